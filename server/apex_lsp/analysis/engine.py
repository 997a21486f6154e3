"""One pass over a file's AST that hands each node only to the rules that asked for it."""
from __future__ import annotations

import ast
import functools
import gc
import sys
import threading
import warnings
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from . import suppress
from .context import FileContext, assigned_settings
from .model import Confidence, FileError, Finding, Severity
from .registry import all_rules
from .rule import Rule
from .rules.apx000_syntax_error import SyntaxErrorFound
from .rules.apx001_unused_suppression import UnusedSuppression
from .rules.apx002_internal_error import INTERNAL_ERROR_ID, collapse_crashes, crash_finding

# The meta rules the engine itself reports (their ids live with their docs pages).
SYNTAX_ERROR_ID = SyntaxErrorFound.id
_GRAMMAR = "%d.%d" % sys.version_info[:2]
UNUSED_SUPPRESSION_ID = UnusedSuppression.id
#: How many broken lines the parser may blank out to recover the rest of a file.
MAX_RECOVERY_ATTEMPTS = 8

#: Fields the walk never descends into: names and numbers, and the singletons for
#: contexts and operators (Load, Add, Eq), unless a rule asks for operator nodes.
_OPERATOR_FIELDS = frozenset({"ctx", "op", "ops"})
_LEAF_FIELDS = frozenset({"id", "attr", "arg", "name", "asname", "module", "level", "kind", "conversion",
                          "is_async", "type_comment", "rest"}) | _OPERATOR_FIELDS
_OPERATOR_BASES = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
_AST_CLASSES = tuple(c for c in vars(ast).values()
                     if isinstance(c, type) and issubclass(c, ast.AST))
#: Statements a rule's ``settings`` gate applies to (keys as ``assigned_settings`` gives them).
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign)

#: A whole-file pass that is not a node rule (the taint engine is one).
FilePass = Callable[[ast.Module, FileContext], None]


@dataclass(slots=True)
class FileResult:
    findings: list[Finding] = field(default_factory=list)
    error: FileError | None = None
    suppressed: int = 0


class Analyzer:
    """Runs a set of rules over source text. Reusable across files; thread-safe."""

    def __init__(self, rules: Iterable[type[Rule]] | None = None, *,
                 severity_overrides: dict[str, Severity] | None = None,
                 report_unused_suppressions: bool = False,
                 passes: Sequence[FilePass] = ()) -> None:
        chosen = list(all_rules() if rules is None else rules)
        self.rules = chosen
        self.rule_ids = frozenset(r.id for r in chosen)
        self.severity_overrides = dict(severity_overrides or {})
        self.report_unused_suppressions = report_unused_suppressions
        self.passes = tuple(passes)
        by_type: dict[type, list] = defaultdict(list)
        by_call: dict[str, list] = defaultdict(list)
        by_method: dict[str, list] = defaultdict(list)
        # Gated dispatch: node class -> gate key -> handlers (see rule.py).
        gated: dict[type, dict] = defaultdict(lambda: defaultdict(list))
        self._bandit_ids: dict[str, tuple[str, ...]] = {}
        for rule_cls in chosen:
            rule = rule_cls()
            self._bandit_ids[rule_cls.id] = rule_cls.bandit
            for node_type in rule_cls.node_types:
                if node_type in _ASSIGNMENTS and rule_cls.settings:
                    for key in rule_cls.settings:
                        gated[node_type][key].append(rule.check)
                elif node_type is ast.keyword and rule_cls.keywords:
                    for key in rule_cls.keywords:
                        gated[node_type][key].append(rule.check)
                elif node_type is ast.Constant and rule_cls.constants:
                    for value_type in rule_cls.constants:
                        gated[node_type][value_type].append(rule.check)
                else:
                    by_type[node_type].append(rule.check)
            for name in rule_cls.attributes:
                gated[ast.Attribute][name].append(rule.check)
                gated[ast.Name][name].append(rule.check)
            for name in rule_cls.calls:
                by_call[name].append(rule.check_call)
            for name in rule_cls.methods:
                by_method[name].append(rule.check_call)
        # One lookup per node: class -> (handlers for every node, gate index or None).
        self._dispatch: dict[type, tuple[tuple, dict | None]] = {
            cls: (tuple(by_type.get(cls, ())),
                  {key: tuple(dict.fromkeys(found)) for key, found in gated[cls].items()}
                  if cls in gated else None)
            for cls in set(by_type) | set(gated)}
        # Attribute gates hold qualified names; a node is looked up by its last name first.
        self._attribute_tails = frozenset(
            name.rpartition(".")[2] for name in gated.get(ast.Attribute, ()))
        # Names are the commonest node and match only through an import, so the walk
        # looks at them only in files that import one of the attributes (see _walk).
        self._name_entry = None
        if not by_type.get(ast.Name) and all("." in name for name in gated.get(ast.Name, ())):
            self._name_entry = self._dispatch.pop(ast.Name, None)
        # Per node class: which fields the walk descends into (see _shape).
        self._shapes: dict[type, tuple[tuple[str, ...], int]] = {}
        self._skip_operators = not any(issubclass(t, _OPERATOR_BASES) for t in self._dispatch)
        self._by_call = dict(by_call)
        self._by_method = dict(by_method)
        # Nodes with nothing to dispatch and nothing below (names, mostly) are not even
        # pushed; imports are never leaves (they bind aliases).
        self._leaves = frozenset(
            cls for cls in _AST_CLASSES
            if not self._shape(cls)[0] and self._shape(cls)[1] != 2
            and cls not in self._dispatch and cls is not ast.Call)
        # Rules reported by a whole-file pass (the taint rules) bring that pass along,
        # once; the factory returns None when the caller already passed one.
        for make_pass in dict.fromkeys(getattr(r, "file_pass", None) for r in chosen):
            extra = make_pass(self) if make_pass is not None else None
            if extra is not None:
                self.passes += (extra,)

    # -- entry points ---------------------------------------------------
    def analyze_file(self, path: str, display_path: str | None = None) -> FileResult:
        shown = display_path or path
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            return FileResult(error=FileError(shown, f"cannot read file: {exc.strerror or exc}"))
        return self.analyze_bytes(data, shown)

    def analyze_bytes(self, data: bytes, path: str) -> FileResult:
        if b"\x00" in data[:8192]:
            return FileResult(error=FileError(path, "binary file (contains NUL bytes); skipped"))
        try:
            source = _decode(data)
        except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
            return FileResult(error=FileError(path, f"cannot decode file: {exc}"))
        return self.analyze_source(source, path)

    def analyze_source(self, source: str, path: str = "<string>") -> FileResult:
        if "\x00" in source:
            return FileResult(error=FileError(path, "source contains NUL bytes; skipped"))
        with _GC_PAUSE:
            return self._analyze_source(source, path)

    def _analyze_source(self, source: str, path: str) -> FileResult:
        result = FileResult()
        tree, syntax_finding = self._parse(source, path)
        if syntax_finding is not None:
            result.findings.append(syntax_finding)
        if tree is None:
            return result
        ctx = FileContext(path, source, self.severity_overrides)
        try:
            # Rules inspect user code with stdlib helpers (re, ast.literal_eval) that warn
            # about what they see; those warnings are about the user's code, not ours.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._walk(tree, ctx)
                for file_pass in self.passes:
                    try:
                        file_pass(tree, ctx)
                    except RecursionError:
                        raise
                    except Exception as exc:  # a broken pass must not cost the rules' findings
                        ctx.findings.append(crash_finding(
                            path, f"file pass {_name_of(file_pass)}", None, exc))
        except RecursionError:
            result.error = FileError(path, "expression nesting too deep to analyse; "
                                           "findings for this file may be incomplete")
        result.findings.extend(collapse_crashes(ctx.findings))
        self._apply_suppressions(source, path, result)
        result.findings.sort(key=Finding.sort_key)
        return result

    # -- parsing --------------------------------------------------------
    def _parse(self, source: str, path: str) -> tuple[ast.Module | None, Finding | None]:
        first_error: Finding | None = None
        text = source
        for _ in range(MAX_RECOVERY_ATTEMPTS + 1):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return ast.parse(text, path), first_error
            except SyntaxError as exc:
                if first_error is None:
                    first_error = _syntax_finding(exc, path)
                text = _blank_line(text, exc.lineno)
                if text is None:
                    return None, first_error
            except (RecursionError, MemoryError, ValueError) as exc:
                # The parser signals a too-deep nesting with RecursionError or an empty MemoryError.
                message = ("too deeply nested to parse" if isinstance(exc, RecursionError)
                           or (isinstance(exc, MemoryError) and not str(exc))
                           else f"cannot parse: {type(exc).__name__}: {exc}")
                return None, first_error or Finding(
                    path, 1, 1, 1, 1, SYNTAX_ERROR_ID, Severity.HIGH, Confidence.HIGH,
                    None, None, message)
        return None, first_error

    # -- the single pass ----------------------------------------------------
    def _shape(self, cls: type) -> tuple[tuple[str, ...], int]:
        """(fields worth descending into, in reverse order; 0 expr / 1 stmt / 2 import)."""
        if cls in (ast.Constant, ast.MatchSingleton):
            fields: tuple[str, ...] = ()
        else:
            skip = _LEAF_FIELDS if self._skip_operators else _LEAF_FIELDS - _OPERATOR_FIELDS
            fields = tuple(f for f in reversed(cls._fields) if f not in skip)
        # `except X:` and `case P if G:` clauses are statements for suppressions: their
        # own header lines (see statements.py).
        kind = 2 if cls in (ast.Import, ast.ImportFrom) else \
            1 if issubclass(cls, ast.stmt) or cls in (ast.ExceptHandler, ast.match_case) else 0
        shape = (fields, kind)
        self._shapes[cls] = shape
        return shape

    def _walk(self, tree: ast.Module, ctx: FileContext) -> None:
        # The hot path: one iteration per node of every file. Kept flat on purpose.
        dispatch = self._dispatch
        leaves = self._leaves
        tails = self._attribute_tails
        by_call = self._by_call
        by_method = self._by_method
        shapes = self._shapes
        Call, Attribute, Constant, AST = ast.Call, ast.Attribute, ast.Constant, ast.AST
        # Each entry is (node, the statement it belongs to); children are pushed in
        # reverse so nodes pop in source order (imports before their uses).
        stack: list = [(tree, None)]
        pop, push = stack.pop, stack.append
        while stack:
            node, stmt = pop()
            cls = node.__class__
            shape = shapes.get(cls) or self._shape(cls)
            if shape[1]:
                stmt = node
                if shape[1] == 2:
                    ctx.bind_import(node)
                    if self._name_entry is not None and ast.Name not in dispatch and \
                            self._imports_attribute(node, ctx):
                        dispatch = dict(dispatch)
                        dispatch[ast.Name] = self._name_entry
                        leaves = leaves - {ast.Name}
            entry = dispatch.get(cls)
            if entry is not None:
                handlers, gate = entry
                if gate is not None:
                    if cls is Attribute:
                        if node.attr in tails:
                            handlers = self._gated(node, cls, gate, handlers, ctx)
                    elif cls is Constant and not handlers:  # most are numbers and None
                        handlers = gate.get(node.value.__class__, handlers)
                    else:
                        handlers = self._gated(node, cls, gate, handlers, ctx)
                ctx.stmt = stmt
                for handler in handlers:
                    try:
                        handler(node, ctx)
                    except RecursionError:
                        raise
                    except Exception as exc:  # a broken rule must not cost the other findings
                        self._crashed(handler, node, ctx, exc)
            if cls is Call:
                func = node.func
                found = by_call.get(ctx.qualname(func) or "")
                if func.__class__ is Attribute:
                    by_attr = by_method.get(func.attr)
                    if by_attr:
                        found = by_attr if not found else list(dict.fromkeys(found + by_attr))
                if found:
                    ctx.stmt = stmt
                    for handler in found:
                        try:
                            handler(node, ctx)
                        except RecursionError:
                            raise
                        except Exception as exc:
                            self._crashed(handler, node, ctx, exc)
            for name in shape[0]:
                value = getattr(node, name, None)
                if value is None:
                    continue
                if value.__class__ is list:
                    for index in range(len(value) - 1, -1, -1):
                        item = value[index]
                        if item.__class__ not in leaves and isinstance(item, AST):
                            push((item, stmt))
                elif value.__class__ not in leaves and isinstance(value, AST):
                    push((value, stmt))

    def _gated(self, node: ast.AST, cls: type, gate: dict, handlers: tuple,
               ctx: FileContext) -> tuple:
        """``handlers`` plus the gated handlers whose key this node has (see rule.py:
        ``settings`` for assignments, ``keywords`` for keyword arguments, ``constants``
        for literals, ``attributes`` for names and attributes)."""
        if cls is ast.keyword:
            found = gate.get(node.arg)
        elif cls is ast.Attribute:
            found = gate.get(ctx.qualname(node))
        elif cls is ast.Constant:
            found = gate.get(node.value.__class__)
        elif cls is ast.Name:
            # What ctx.qualname gives for a name (a dotted one only through an import).
            found = gate.get(ctx.aliases.get(node.id, node.id))
        else:
            found = None
            for key, _, _ in assigned_settings(node):
                more = gate.get(key)
                if more:
                    found = more if found is None else tuple(dict.fromkeys(found + more))
        if not found:
            return handlers
        return found if not handlers else tuple(dict.fromkeys(handlers + found))

    def _imports_attribute(self, node: ast.Import | ast.ImportFrom, ctx: FileContext) -> bool:
        """Whether an import just bound a name to one of the rules' ``attributes``."""
        gate = self._name_entry[1]
        return any(target in gate for target in ctx.aliases.values())

    @staticmethod
    def _crashed(handler, node: ast.AST, ctx: FileContext, exc: Exception) -> None:
        rule_id = getattr(getattr(handler, "__self__", None), "id", "?")
        lines = None if ctx.is_ascii else ctx.lines
        ctx.findings.append(crash_finding(ctx.path, f"rule {rule_id}", node, exc, lines))

    # -- suppressions ---------------------------------------------------
    def _apply_suppressions(self, source: str, path: str, result: FileResult) -> None:
        comments = suppress.scan(source)
        if not comments:
            return
        lines = sorted(comments)
        kept: list[Finding] = []
        for finding in result.findings:
            start, end = finding.stmt_lines
            if start == 0:
                start, end = finding.line, finding.end_line
            bandit_ids = self._bandit_ids.get(finding.rule, ())
            hit = None
            # Comment lines inside the statement, found by bisection (statements can be long).
            for index in range(bisect_left(lines, start), len(lines)):
                line = lines[index]
                if line > end:
                    break
                if comments[line].matches(finding.rule, bandit_ids):
                    hit = comments[line]
                    break
            if hit is None or finding.rule == SYNTAX_ERROR_ID:
                kept.append(finding)
            else:
                hit.used.add(finding.rule)
                result.suppressed += 1
        if self.report_unused_suppressions:
            for line in lines:
                comment = comments[line]
                stale = self._stale_ids(comment)
                if stale is None:
                    continue
                what = f"unused suppression ({', '.join(stale)})" if stale else \
                    "unused suppression: nothing is reported on this statement"
                kept.append(Finding(path, comment.line, comment.column, comment.line,
                                    comment.column, UNUSED_SUPPRESSION_ID, Severity.INFO,
                                    Confidence.HIGH, None, None, what))
        result.findings = kept

    def _stale_ids(self, comment: suppress.Suppression) -> list[str] | None:
        """The ids of ``comment`` that suppressed nothing ([] for an unused bare one), or None.

        An id of a known rule that is not selected in this run is not called stale:
        another configuration may need it. Unknown ids are (they are typos)."""
        if comment.ids is suppress.ALL:
            return None if comment.used else []
        used = set(comment.used)
        for rule_id in comment.used:
            used.update(self._bandit_ids.get(rule_id, ()))
        selected = set(self.rule_ids) | {b for ids in self._bandit_ids.values() for b in ids}
        known = _catalogue_ids()
        stale = sorted(i for i in comment.ids - used if i in selected or i not in known)
        return stale or None


class _GcPause:
    """Pauses the cyclic garbage collector while any thread analyses a file.

    A file's tree is hundreds of thousands of tracked objects that die by reference
    counting when the analysis ends; collecting while they are alive only traverses them
    again and again (15 % of `apex check`'s CPU on the stdlib). Cycles made meanwhile are
    collected after. Re-entrant and thread-safe: the collector is enabled again when the
    last analysis ends, if it was enabled when the first began."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._was_enabled:
                gc.enable()


_GC_PAUSE = _GcPause()


@functools.lru_cache(maxsize=1)
def _catalogue_ids() -> frozenset[str]:
    ids = set()
    for rule in all_rules():
        ids.add(rule.id)
        ids.update(rule.bandit)
    return frozenset(ids) | {SYNTAX_ERROR_ID, UNUSED_SUPPRESSION_ID, INTERNAL_ERROR_ID}


def _name_of(file_pass: FilePass) -> str:
    return getattr(file_pass, "__name__", None) or type(file_pass).__name__


def _decode(data: bytes) -> str:
    import io
    import tokenize
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def _syntax_finding(exc: SyntaxError, path: str) -> Finding:
    line = exc.lineno or 1
    col = max(exc.offset or 1, 1)
    end_line = getattr(exc, "end_lineno", None) or line
    end_col = getattr(exc, "end_offset", None) or col
    if (end_line, end_col) < (line, col):
        end_line, end_col = line, col
    return Finding(path, line, col, end_line, end_col, SYNTAX_ERROR_ID, Severity.HIGH,
                   Confidence.HIGH, None, None,
                   # Say which grammar: a file written for a newer Python fails here too.
                   f"syntax error: {exc.msg} (parsed as Python {_GRAMMAR})",
                   stmt_lines=(line, end_line))


def _blank_line(text: str, lineno: int | None) -> str | None:
    """Replace one line with ``pass`` at its indentation so the rest still parses."""
    if not lineno:
        return None
    lines = text.split("\n")
    if lineno > len(lines):
        return None
    original = lines[lineno - 1]
    stripped = original.lstrip()
    replacement = original[: len(original) - len(stripped)] + "pass"
    if not stripped:
        return None
    if stripped == "pass":
        replacement = ""
    lines[lineno - 1] = replacement
    return "\n".join(lines)
