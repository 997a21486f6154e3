"""Mechanical edits of call arguments, checked by re-parsing the edited call.

Shared by the rules whose fixes add or remove one keyword argument. An edit is
only offered when the call's own text still parses after it, so a fix can never
turn working code into a syntax error (odd layouts simply get no fix).
"""
from __future__ import annotations

import ast
import re

from ..context import FileContext, char_column
from ..model import Fix, TextEdit

_REST_OF_LINE = re.compile(r"\s*,?\s*(?:#.*)?$")


def _start(ctx: FileContext, node: ast.AST) -> tuple[int, int]:
    return node.lineno, char_column(ctx, node.lineno, node.col_offset)


def _end(ctx: FileContext, node: ast.AST) -> tuple[int, int]:
    return node.end_lineno, char_column(ctx, node.end_lineno, node.end_col_offset)


def apply_edits(lines: list[str], first_line: int, edits: tuple[TextEdit, ...]) -> str:
    """Apply ``edits`` (1-based, end exclusive, character columns) to ``lines``,
    which hold the file's lines from ``first_line`` on. Returns the edited text."""
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    text = "\n".join(lines)

    def offset(line: int, column: int) -> int:
        return offsets[line - first_line] + column - 1

    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        start, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        text = text[:start] + edit.text + text[end:]
    return text


def _verified(ctx: FileContext, call: ast.Call, title: str,
              edits: tuple[TextEdit, ...]) -> Fix | None:
    region = ctx.lines[call.lineno - 1: call.end_lineno]
    if len(region) != call.end_lineno - call.lineno + 1:
        return None
    start_col = char_column(ctx, call.lineno, call.col_offset) - 1
    end_col = char_column(ctx, call.end_lineno, call.end_col_offset) - 1
    suffix = len(region[-1]) - end_col
    edited = apply_edits(region, call.lineno, edits)
    edited = edited[start_col: len(edited) - suffix if suffix else None]
    try:
        parsed = ast.parse("(" + edited + "\n)", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not isinstance(parsed.body, ast.Call):
        return None
    return Fix(title, edits)


def add_keyword(ctx: FileContext, call: ast.Call, text: str, title: str) -> Fix | None:
    """A fix appending ``text`` (``name=value``) as the call's last argument."""
    items = [*call.args, *call.keywords]
    if items:
        last = max(items, key=lambda n: (n.end_lineno, n.end_col_offset))
        line, column = _end(ctx, last)
        edit = TextEdit(line, column, line, column, ", " + text)
    else:
        line, column = _end(ctx, call)
        edit = TextEdit(line, column - 1, line, column - 1, text)
    return _verified(ctx, call, title, (edit,))


def _no_comment_between(ctx: FileContext, start: tuple[int, int], end: tuple[int, int]) -> bool:
    (line, column), (end_line, end_column) = start, end
    if line == end_line:
        return True
    gap = [ctx.lines[line - 1][column - 1:], *ctx.lines[line: end_line - 1],
           ctx.lines[end_line - 1][: end_column - 1]]
    return not any("#" in part for part in gap)


def remove_keyword(ctx: FileContext, call: ast.Call, kw: ast.keyword, title: str) -> Fix | None:
    """A fix deleting keyword argument ``kw`` and the comma that belongs to it."""
    items = sorted([*call.args, *call.keywords], key=lambda n: (n.lineno, n.col_offset))
    index = next(i for i, item in enumerate(items) if item is kw)
    (line, column), (end_line, end_column) = _start(ctx, kw), _end(ctx, kw)
    before = ctx.lines[line - 1][: column - 1]
    after = ctx.lines[end_line - 1][end_column - 1:]
    if not before.strip() and _REST_OF_LINE.fullmatch(after) and end_line < call.end_lineno:
        edit = TextEdit(line, 1, end_line + 1, 1, "")  # the argument has lines of its own
    elif index > 0 and _no_comment_between(ctx, _end(ctx, items[index - 1]), (line, column)):
        prev_line, prev_column = _end(ctx, items[index - 1])
        edit = TextEdit(prev_line, prev_column, end_line, end_column, "")
    elif index + 1 < len(items) and items[index + 1].lineno == end_line:
        next_line, next_column = _start(ctx, items[index + 1])
        edit = TextEdit(line, column, next_line, next_column, "")
    elif len(items) == 1:
        close_line, close_column = _end(ctx, call)
        edit = TextEdit(line, column, close_line, close_column - 1, "")
    else:
        return None
    return _verified(ctx, call, title, (edit,))
