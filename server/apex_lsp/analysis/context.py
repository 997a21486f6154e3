"""Per-file state shared by the rules during the single pass."""
from __future__ import annotations

import ast
import re
from typing import Any

from .model import Confidence, Finding, Fix, Severity
from .rule import Rule
from .statements import statement_lines

_MISSING = object()
#: Line ends as the parser counts them (str.splitlines also splits on form feeds,
#: which would shift line numbers after a ^L page break).
_NEWLINE = re.compile(r"\r\n|\r|\n")


class FileContext:
    """What a rule may ask about the file being analysed, and how it reports."""

    __slots__ = ("path", "source", "aliases", "findings", "stmt", "_lines",
                 "severity_overrides", "_starts", "_ascii", "_qualname_of", "_qualname")

    def __init__(self, path: str, source: str,
                 severity_overrides: dict[str, Severity] | None = None) -> None:
        self.path = path
        self.source = source
        self.aliases: dict[str, str] = {}
        self.findings: list[Finding] = []
        self.stmt: ast.stmt | None = None
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None
        self._ascii: bool | None = None
        self._qualname_of: ast.AST | None = None
        self._qualname: str | None = None
        self.severity_overrides = severity_overrides or {}

    # -- names ----------------------------------------------------------
    def qualname(self, node: ast.AST) -> str | None:
        """The dotted name an expression refers to, through imports and aliases."""
        # The engine resolves each callee, then the rules it dispatches to ask again.
        if node is self._qualname_of:
            return self._qualname
        name = self._resolve(node)
        self._qualname_of, self._qualname = node, name
        return name

    def _resolve(self, node: ast.AST) -> str | None:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        head = self.aliases.get(node.id, node.id)
        if parts:
            parts.reverse()
            return head + "." + ".".join(parts)
        return head

    def bind_import(self, node: ast.Import | ast.ImportFrom) -> None:
        self._qualname_of = None  # a new alias can change what a name resolves to
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    self.aliases[head] = head
            return
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                continue
            if not module or module.endswith("."):
                target = module + alias.name  # `from . import x` is ".x"
            else:
                target = f"{module}.{alias.name}"
            self.aliases[alias.asname or alias.name] = target

    # -- source ---------------------------------------------------------
    @property
    def lines(self) -> list[str]:
        """The source's lines without their ends, numbered as the parser numbers them."""
        if self._lines is None:
            lines = _NEWLINE.split(self.source)
            if lines and lines[-1] == "":
                lines.pop()
            self._lines = lines
        return self._lines

    @property
    def is_ascii(self) -> bool:
        if self._ascii is None:
            self._ascii = self.source.isascii()
        return self._ascii

    def segment(self, node: ast.AST) -> str:
        """The source text of ``node`` (like ast.get_source_segment, without re-splitting
        the whole file on every call: that made it O(file size) per call)."""
        try:
            line, end_line = node.lineno, node.end_lineno
            col, end_col = node.col_offset, node.end_col_offset
        except AttributeError:
            return ""
        if end_line is None or end_col is None:
            return ""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _NEWLINE.finditer(self.source)]
        starts = self._starts
        if not 1 <= line <= end_line <= len(starts):
            return ""
        return self.source[starts[line - 1] + self._chars(line, col):
                           starts[end_line - 1] + self._chars(end_line, end_col)]

    def _chars(self, line: int, byte_offset: int) -> int:
        """Characters in the first ``byte_offset`` UTF-8 bytes of 1-based ``line``."""
        if self.is_ascii or line > len(self.lines):
            return byte_offset
        text = self.lines[line - 1]
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))

    # -- reporting ------------------------------------------------------
    def report(self, rule: Rule | type[Rule], node: ast.AST, message: str | None = None, *,
               severity: Severity | None = None, confidence: Confidence | None = None,
               fix: Fix | None = None) -> None:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            end_col = col
        sev = self.severity_overrides.get(rule.id, severity if severity is not None else rule.severity)
        self.findings.append(Finding(
            path=self.path, line=line, column=self._char_column(line, col),
            end_line=end_line, end_column=self._char_column(end_line, end_col),
            rule=rule.id, severity=sev,
            confidence=confidence if confidence is not None else rule.confidence,
            cwe=rule.cwe, capability=rule.capability,
            message=message or rule.message or rule.summary(), fix=fix,
            stmt_lines=statement_lines(self.stmt) if self.stmt is not None else (line, end_line),
        ))


    def _char_column(self, line: int, byte_offset: int) -> int:
        """AST columns count UTF-8 bytes; findings count characters (1-based)."""
        if not self.is_ascii and 1 <= line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1
        return byte_offset + 1


# -- helpers rules share ---------------------------------------------------

def keyword(call: ast.Call, name: str, default: Any = None) -> ast.expr | Any:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return default


def argument(call: ast.Call, position: int, name: str | None = None) -> ast.expr | None:
    """The argument passed at ``position`` or as keyword ``name``."""
    if position < len(call.args) and not any(
            isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    if name is not None:
        return keyword(call, name)
    return None


def literal(node: ast.AST | None, default: Any = _MISSING) -> Any:
    """The value of a literal expression, or ``default`` when it is not one."""
    if node is None:
        return None if default is _MISSING else default
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        if default is _MISSING:
            raise
        return default


def is_constant(node: ast.AST | None) -> bool:
    """True when the expression is built only from literals (no names, no calls)."""
    if node is None:
        return True
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) or
                   (isinstance(v, ast.FormattedValue) and is_constant(v.value))
                   for v in node.values)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(is_constant(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(is_constant(k) and is_constant(v) for k, v in zip(node.keys, node.values))
    if isinstance(node, ast.BinOp):
        return is_constant(node.left) and is_constant(node.right)
    if isinstance(node, ast.UnaryOp):
        return is_constant(node.operand)
    return False


def is_string_building(node: ast.AST | None) -> bool:
    """True for an expression that builds a string from non-literal parts:
    f-strings, ``%`` formatting, ``+`` concatenation and ``.format``."""
    if node is None or is_constant(node):
        return False
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _has_str(node.left) or _has_str(node.right) or \
            is_string_building(node.left) or is_string_building(node.right)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("format", "format_map")):
        return True
    return False


def _has_str(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or \
        isinstance(node, ast.JoinedStr)


def is_true(node: ast.AST | None) -> bool:
    """True for a literal truthy constant (``True``, ``1``, ``"yes"``)."""
    return isinstance(node, ast.Constant) and bool(node.value) and node.value is not Ellipsis


def is_false(node: ast.AST | None) -> bool:
    """True for a literal falsy constant (``False``, ``0``, ``None``, ``""``)."""
    return isinstance(node, ast.Constant) and not node.value


def string_parts(node: ast.AST | None) -> str:
    """The literal text of a string expression, non-literal pieces left out.

    Follows only the string-building spine (``+``/``%`` operands, f-string
    parts, the receiver of ``.format``), so ``"SELECT * FROM t WHERE id=" + x``
    gives ``"SELECT * FROM t WHERE id="``. Used to recognise what a built
    string is (SQL, an LDAP filter, HTML) without evaluating it.
    """
    pieces: list[str] = []
    stack = [node]
    while stack and len(pieces) < 64:
        item = stack.pop()
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            pieces.append(item.value)
        elif isinstance(item, ast.JoinedStr):
            stack.extend(reversed(item.values))
        elif isinstance(item, ast.BinOp) and isinstance(item.op, (ast.Add, ast.Mod)):
            stack.append(item.right)
            stack.append(item.left)
        elif (isinstance(item, ast.Call) and isinstance(item.func, ast.Attribute)
              and item.func.attr in ("format", "format_map")):
            stack.append(item.func.value)
    return " ".join(pieces)


def char_column(ctx: FileContext, line: int, byte_offset: int) -> int:
    """Convert an AST (UTF-8 byte) column on 1-based ``line`` to a 1-based character column."""
    if 1 <= line <= len(ctx.lines):
        text = ctx.lines[line - 1]
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1
    return byte_offset + 1


#: The last statement asked about and its answer: every settings rule asks about the
#: same Assign node in turn, so one entry saves the rest of them the work. A tuple
#: swap is atomic, so threads analysing different files cannot see a torn entry.
_last_settings: list = [(None, ())]


def assigned_settings(node: ast.AST) -> tuple[tuple[str, ast.expr, ast.expr], ...]:
    last = _last_settings[0]
    if last[0] is node:
        return last[1]
    found = _assigned_settings(node)
    _last_settings[0] = (node, found)
    return found


def _assigned_settings(node: ast.AST) -> tuple[tuple[str, ast.expr, ast.expr], ...]:
    """``(key, value, target)`` for each configuration-style assignment in a statement.

    ``DEBUG = True`` gives ``"DEBUG"``, ``app.config["DEBUG"] = True`` gives
    ``"DEBUG"`` and ``app.debug = True`` gives ``"debug"``; ``a = b = x``
    gives one entry per target. Anything else (tuple unpacking, computed
    keys) is left out.
    """
    if isinstance(node, ast.Assign):
        pairs = [(target, node.value) for target in node.targets]
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
        pairs = [(node.target, node.value)]
    else:
        return ()
    found = []
    for target, value in pairs:
        if isinstance(target, ast.Name):
            found.append((target.id, value, target))
        elif isinstance(target, ast.Attribute):
            found.append((target.attr, value, target))
        elif (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
              and isinstance(target.slice.value, str)):
            found.append((target.slice.value, value, target))
    return tuple(found)


def interpolated_values(node: ast.AST | None) -> list[ast.expr]:
    """The non-literal values spliced into a built string (its spine only, no walk).

    ``f"a {x} b {y}"`` and ``"a %s b %s" % (x, y)`` give ``[x, y]``;
    ``"a " + x + f"{y}"`` gives ``[x, y]``; ``"{} {}".format(x, y)`` gives ``[x, y]``.
    """
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _has_str(node.left):
        right = node.right
        if isinstance(right, (ast.Tuple, ast.List)):
            return list(right.elts)
        if isinstance(right, ast.Dict):
            return list(right.values)
        return [right]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        values: list[ast.expr] = []
        pending: list[ast.expr] = [node]
        while pending and len(values) < 64:
            item = pending.pop()
            if isinstance(item, ast.BinOp) and isinstance(item.op, (ast.Add, ast.Mod)):
                pending.extend((item.right, item.left))
            elif isinstance(item, ast.JoinedStr):
                values.extend(v.value for v in item.values if isinstance(v, ast.FormattedValue))
            elif not isinstance(item, ast.Constant):
                values.append(item)
        return values
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("format", "format_map")):
        return list(node.args) + [kw.value for kw in node.keywords]
    return []


def callee_name(node: ast.AST | None) -> str:
    """The last name of a call's callee: ``shlex.quote(x)`` gives ``"quote"``, else ``""``."""
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def is_table_lookup(node: ast.AST | None) -> bool:
    """``ALLOWED[key]`` or ``ALLOWED.get(key)``: a value picked from a module constant.

    An UPPER_CASE mapping is the usual allow-list pattern, so the result is a
    value the author wrote, whatever the key.
    """
    if isinstance(node, ast.Subscript):
        table = node.value
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
          and node.func.attr == "get"):
        table = node.func.value
    else:
        return False
    name = table.attr if isinstance(table, ast.Attribute) else getattr(table, "id", "")
    return bool(name) and name.isupper()
