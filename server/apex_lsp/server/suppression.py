"""Where to put ``# apex: ignore[APXnnn]`` for a finding, as a text edit.

The engine honours a suppression on any line of the finding's statement, but a
comment cannot go just anywhere: not after a line continuation backslash and
not inside a multi-line string. So the comment goes on the first line of the
statement that ends in code (tokenize emits NEWLINE/NL there), and an existing
``apex: ignore[...]`` comment on that line is extended instead of duplicated.
"""
from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from apex_lsp.analysis import Finding, TextEdit

from .convert import split_lines

_IGNORE = re.compile(r"apex\s*:\s*ignore(?:\[(?P<ids>[^\]]*)\])?", re.IGNORECASE)


@dataclass(frozen=True)
class LineInfo:
    #: Lines where a comment may be appended (the line ends in code or a comment).
    commentable: frozenset[int]
    #: line -> (start column 0-based, comment text) of the comment on that line.
    comments: dict[int, tuple[int, str]]


def line_info(source: str) -> LineInfo:
    ok: set[int] = set()
    comments: dict[int, tuple[int, str]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.NL):
                ok.add(tok.start[0])
            elif tok.type == tokenize.COMMENT:
                ok.add(tok.start[0])
                comments[tok.start[0]] = (tok.start[1], tok.string)
            elif tok.type == tokenize.ENDMARKER:
                ok.add(tok.start[0] - 1 if tok.start[1] == 0 else tok.start[0])
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Broken source: any line not ending in a backslash will do.
        for number, text in enumerate(split_lines(source), 1):
            if not text.rstrip().endswith("\\"):
                ok.add(number)
            idx = text.find("#")
            if idx >= 0:
                comments.setdefault(number, (idx, text[idx:]))
    return LineInfo(frozenset(ok), comments)


def suppression_edit(source: str, finding: Finding,
                     info: LineInfo | None = None) -> TextEdit | None:
    """The edit that suppresses ``finding``, or None when no line can take it."""
    rule = finding.rule
    info = info or line_info(source)
    lines = split_lines(source)
    start, end = finding.stmt_lines
    if not start:
        start, end = finding.line, finding.end_line
    target = next((n for n in range(start, max(end, start) + 1) if n in info.commentable
                   and n <= len(lines)), None)
    if target is None:
        return None
    text = lines[target - 1]
    existing = info.comments.get(target)
    if existing is not None:
        col, comment = existing
        match = _IGNORE.search(comment)
        if match is not None:
            if match.group("ids") is None:
                return None  # a bare `apex: ignore` already covers every rule
            ids = [i.strip() for i in match.group("ids").split(",") if i.strip()]
            if rule in ids:
                return None
            merged = ", ".join(ids + [rule])
            start_col = col + match.start("ids")
            return TextEdit(target, start_col + 1, target,
                            start_col + len(match.group("ids")) + 1, merged)
    code_end = len(text.rstrip())
    return TextEdit(target, code_end + 1, target, len(text) + 1,
                    f"  # apex: ignore[{rule}]")
