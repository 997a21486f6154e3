"""One module: its environment, and the facts of each of its functions (cached)."""
from __future__ import annotations

import ast
import hashlib
import threading
import warnings
from bisect import bisect_left
from collections import OrderedDict
from functools import cached_property
from typing import Iterable

from .facts import FunctionFacts, ModuleFacts
from .flow import SECRET_PARAM, FunctionFlow, constant_names
from .frameworks import Frameworks, handler_info

MODULE_SCOPE = "<module>"
_UNKNOWN = object()


class ModuleScope:
    """What every function of a module shares: imports, definitions, tainted globals.

    ``known`` = (every function's qualname, every class name) when ``tree`` holds
    only part of the module (see ``ModuleAnalysis.partial``).
    """

    def __init__(self, tree: ast.Module, aliases: dict[str, str], name: str,
                 is_package: bool, spec, known: tuple | None = None) -> None:
        self.tree = tree
        self.aliases = aliases
        self.name = name
        self.is_package = is_package
        self.spec = spec
        self.frameworks = Frameworks.from_aliases(aliases)
        #: qualname -> (node, class name or None, class node or None, top-level statement)
        self.function_nodes: dict[str, tuple] = {}
        self.classes: set[str] = set()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._add_function(node, node.name, None, None, node)
            elif isinstance(node, ast.ClassDef):
                self.classes.add(node.name)
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self._add_function(item, f"{node.name}.{item.name}", node.name, node,
                                           node)
            elif isinstance(node, (ast.If, ast.Try)):  # `if TYPE_CHECKING:`/try-import defs
                for item in _flat_bodies(node):
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                            and item.name not in self.function_nodes:
                        self._add_function(item, item.name, None, None, node)
        # The names the flow engine resolves calls against.
        self.functions = self.function_nodes if known is None else frozenset(known[0])
        if known is not None:
            self.classes = set(known[1])
        self.globals: dict = {}
        self._qualnames: dict = {}
        self._constants: frozenset | None = None
        self._import_heads = frozenset(t.partition(".")[0] for t in aliases.values()) | \
            frozenset(t for t in aliases.values() if t.startswith("."))

    def _add_function(self, node, qualname, class_name, class_node, top) -> None:
        self.function_nodes[qualname] = (node, class_name, class_node, top)
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._add_function(item, f"{qualname}.{item.name}", None, None, top)

    # -- names --------------------------------------------------------------
    def qualname(self, node) -> str | None:
        # Loops and branches evaluate a node more than once; its name never changes.
        qual = self._qualnames.get(node, _UNKNOWN)
        if qual is _UNKNOWN:
            qual = self._qualnames[node] = self._qualname(node)
        return qual

    def _qualname(self, node) -> str | None:
        parts: list[str] = []
        while node.__class__ is ast.Attribute:
            parts.append(node.attr)
            node = node.value
        if node.__class__ is not ast.Name:
            return None
        head = self.aliases.get(node.id, node.id)
        if parts:
            parts.reverse()
            return head + "." + ".".join(parts)
        return head

    def is_import(self, qual: str) -> bool:
        """Whether ``qual`` was reached through an import (not a local variable)."""
        return qual.partition(".")[0] in self._import_heads

    def absolute(self, target: str) -> str | None:
        """Resolve a relative import target (``.helpers.run``) against this module."""
        if not target.startswith("."):
            return target
        level = len(target) - len(target.lstrip("."))
        rest = target[level:]
        parts = self.name.split(".") if self.name else []
        if not self.is_package:
            parts = parts[:-1]
        if level > 1:
            if level - 1 > len(parts):
                return None
            parts = parts[:len(parts) - (level - 1)]
        return ".".join(parts + ([rest] if rest else [])) or None

    def constants(self) -> frozenset:
        if self._constants is None:
            self._constants = constant_names(self.tree)
        return self._constants

    def environment_digest(self) -> str:
        """Everything outside a function's text that its facts depend on."""
        text = repr((self.spec.fingerprint, self.name, self.is_package,
                     sorted(self.aliases.items()), sorted(self.functions),
                     sorted(self.classes),
                     sorted((k, sorted(v)) for k, v in self.globals.items())))
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _flat_bodies(node):
    for name in ("body", "orelse", "finalbody"):
        yield from getattr(node, name, ())
    for handler in getattr(node, "handlers", ()):
        yield from handler.body


class FactsCache:
    """Function facts by (module path, qualname), reused while the text is unchanged.

    Bounded (least recently used go first) and thread-safe.
    """

    def __init__(self, capacity: int = 20000) -> None:
        self.capacity = capacity
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key, digest: str):
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] != digest:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[1]

    def put(self, key, digest: str, facts: FunctionFacts) -> None:
        with self._lock:
            self._items[key] = (digest, facts)
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)


class ModuleAnalysis:
    """A parsed module whose functions are analysed now or when first needed.

    A function is analysed up front when it can start a flow: its text hints
    at a source, a parameter is named like a secret, it is a web handler with
    untrusted parameters (a route's URL variables), or the module has tainted
    globals. It is also analysed when a
    pattern finding inside it (``verdict_lines``) may be downgraded by a taint
    verdict. Any other function is analysed only when a call from an analysed
    function reaches it (``analyze``), or when it calls a function found to
    return a source (``deferred`` keeps its lines, for ``wake_source_callers``).
    Until then, calls to it carry the taint of their arguments, as for unknown
    functions, which over-approximates what the function could do with them.
    """

    def __init__(self, tree: ast.Module, source: str, path: str, aliases: dict[str, str], spec,
                 *, name: str = "", is_package: bool = False,
                 cache: FactsCache | None = None, lazy: bool = True,
                 verdict_lines: Iterable[int] = ()) -> None:
        self.scope = scope = ModuleScope(tree, aliases, name, is_package, spec)
        self.path = path
        self.cache = cache
        self.source = source
        hinted = _hinted_lines(source, _source_hints(spec, aliases))
        wanted = sorted(set(verdict_lines))
        functions: dict[str, FunctionFacts] = {}
        imports = {local: absolute for local, target in aliases.items()
                   if (absolute := scope.absolute(target)) is not None}
        self.facts = ModuleFacts(name, path, functions, imports,
                                 _digest(source), {}, aliases, tuple(sorted(scope.classes)))
        if not lazy or hinted or wanted:
            self._analyze_top_level()
        else:
            # Nothing in the module names a source and no pattern finding wants a verdict:
            # its top level, like a function, waits for a flow (a call to a function that
            # returns a source) and has no tainted globals.
            end = len(self.lines) or 1
            self.facts.deferred[MODULE_SCOPE] = (1, end, 1, end, _top_level_ranges(tree))
        self.env_digest = scope.environment_digest() if cache is not None else ""
        everything = not lazy or bool(scope.globals)
        for qualname, (node, _, _, top) in scope.function_nodes.items():
            first, last = _first_line(node), node.end_lineno
            if everything or _any_within(hinted, first, last) or \
                    _any_within(wanted, first, last) or _secret_parameter(node) or \
                    self._is_handler(qualname):
                self._analyze(qualname)
            else:
                self.facts.deferred[qualname] = (first, last, _first_line(top), top.end_lineno)

    def _analyze_top_level(self) -> FunctionFacts:
        scope = self.scope
        top = FunctionFlow(scope, scope.tree, MODULE_SCOPE, None, None)
        facts = self.facts.functions[MODULE_SCOPE] = top.run()
        self.facts.deferred.pop(MODULE_SCOPE, None)
        tainted = {k: {o: v for o, v in t.items() if o[0] == "s"}
                   for k, t in top.env.items() if "." not in k and t}
        scope.globals = {k: v for k, v in tainted.items() if v}
        return facts

    @classmethod
    def partial(cls, module: ModuleFacts, source: str, spec, qualname: str, *,
                is_package: bool = False, cache: FactsCache | None = None,
                lines: list[str] | None = None) -> ModuleAnalysis | None:
        """An analysis of the one top-level statement holding a deferred function.

        Parsing that statement alone (at its own line numbers) is enough to analyse
        the function, and the other functions it holds: their module's environment
        comes from ``module`` (a module with deferred functions has no tainted
        globals). None when ``source`` is not the text ``module`` was made from
        (``lines``, its lines, when the caller has checked that already).
        """
        span = module.deferred.get(qualname)
        if span is None or (lines is None and _digest(source) != module.digest):
            return None
        lines = source.splitlines() if lines is None else lines
        first, last = span[2], span[3]
        text = "\n" * (first - 1) + "\n".join(lines[first - 1:last])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, module.path)
        analysis = cls.__new__(cls)
        analysis.scope = ModuleScope(tree, module.aliases, module.name, is_package, spec,
                                     known=(set(module.functions) | set(module.deferred),
                                            module.classes))
        analysis.path = module.path
        analysis.cache = cache
        analysis.source = source
        analysis.lines = lines
        analysis.env_digest = analysis.scope.environment_digest() if cache is not None else ""
        analysis.facts = module
        return analysis

    @cached_property
    def lines(self) -> list[str]:
        return self.source.splitlines()

    def _is_handler(self, qualname: str) -> bool:
        """A web handler whose parameters are sources (a route's URL variables)."""
        node, _, class_node, _ = self.scope.function_nodes[qualname]
        if not any(d.__class__ is ast.Call for d in node.decorator_list):
            return False
        info = handler_info(node, class_node, self.scope.frameworks, self.scope.qualname)
        return bool(info.tainted or info.requests)

    def analyze(self, qualname: str) -> FunctionFacts | None:
        """The facts of one function, analysing it now if it was deferred."""
        facts = self.facts.functions.get(qualname)
        if facts is None and qualname in self.scope.function_nodes:
            facts = self._analyze(qualname)
        elif facts is None and qualname == MODULE_SCOPE and qualname in self.facts.deferred:
            facts = self._analyze_top_level()
        return facts

    def _analyze(self, qualname: str) -> FunctionFacts:
        node, class_name, class_node, _ = self.scope.function_nodes[qualname]
        cached = digest = None
        key = (self.path, qualname)
        if self.cache is not None:
            text = "\n".join(self.lines[_first_line(node) - 1:node.end_lineno])
            digest = hashlib.blake2b(f"{self.env_digest}\0{text}".encode(),
                                     digest_size=16).hexdigest()
            cached = self.cache.get(key, digest)
        if cached is not None:
            facts = cached.shifted(node.lineno - cached.line)
        else:
            handler = handler_info(node, class_node, self.scope.frameworks, self.scope.qualname)
            facts = FunctionFlow(self.scope, node, qualname, class_name, handler).run()
            if self.cache is not None:
                self.cache.put(key, digest, facts)
        self.facts.functions[qualname] = facts
        self.facts.deferred.pop(qualname, None)
        return facts


def _digest(source: str) -> str:
    return hashlib.blake2b(source.encode(), digest_size=16).hexdigest()


def _first_line(node) -> int:
    """The first line of a statement, decorators included."""
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])


def _source_hints(spec, aliases: dict[str, str]) -> tuple[str, ...]:
    # `from flask import request as rq`, `from sys import argv`: the local name is a hint.
    return spec.hints + tuple(alias.lower() for alias, target in aliases.items()
                              if target in spec.source_roots
                              and alias != target.rpartition(".")[2])


def _hinted_lines(source: str, hints: tuple[str, ...]) -> list[int]:
    """The sorted line numbers where some hint occurs as a word (case-insensitive):
    ``request`` in ``request.args``, not in ``requests.get`` or ``request_context``.

    One substring search per occurrence, counting newlines as it goes: linear in
    the source, and all in C (slicing each function's text costs more)."""
    whole = source.lower()
    lines: set[int] = set()
    for hint in hints:
        size = len(hint)
        open_end = _is_name_char(hint[-1])  # `req:` ends itself; `request` needs a boundary
        at = whole.find(hint)
        line, counted = 1, 0
        while at >= 0:
            if (at == 0 or not _is_name_char(whole[at - 1])) and not (
                    open_end and at + size < len(whole) and _is_name_char(whole[at + size])):
                line += whole.count("\n", counted, at)
                counted = at
                lines.add(line)
            at = whole.find(hint, at + 1)
    return sorted(lines)


def _any_within(sorted_lines: list[int], first: int, last: int) -> bool:
    if not sorted_lines:
        return False
    index = bisect_left(sorted_lines, first)
    return index < len(sorted_lines) and sorted_lines[index] <= last


def _secret_parameter(node) -> bool:
    """Whether a parameter is a secret source (see flow.SECRET_PARAM)."""
    args = node.args
    every = args.posonlyargs + args.args + args.kwonlyargs + \
        [a for a in (args.vararg, args.kwarg) if a is not None]
    return any(SECRET_PARAM.search(a.arg) for a in every)


def call_lines(source: str, names) -> list[int]:
    """The sorted lines where ``name(`` is called for one of ``names`` (not as the tail
    of a longer name). A substring search per occurrence, all in C."""
    lines: set[int] = set()
    for name in names:
        needle = name + "("
        at = source.find(needle)
        line, counted = 1, 0
        while at >= 0:
            if at == 0 or not _is_name_char(source[at - 1]):
                line += source.count("\n", counted, at)
                counted = at
                lines.add(line)
            at = source.find(needle, at + 1)
    return sorted(lines)


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def calls_within(called: list[int], span: tuple) -> bool:
    """Whether a deferred function's lines (``span``) hold one of ``called``; for a
    module's top level, only the lines of its own statements (not its definitions)."""
    if len(span) > 4:
        return any(_any_within(called, first, last) for first, last in span[4])
    return _any_within(called, span[0], span[1])


def _top_level_ranges(tree: ast.Module) -> tuple:
    """(first, last) lines of the module-level statements the top-level flow runs
    (definitions are not among them: their bodies are functions of their own)."""
    return tuple((node.lineno, node.end_lineno) for node in tree.body
                 if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                          ast.ClassDef, ast.Import, ast.ImportFrom)))


def analyze_module(tree: ast.Module, source: str, path: str, aliases: dict[str, str], spec, *,
                   name: str = "", is_package: bool = False,
                   cache: FactsCache | None = None) -> ModuleFacts:
    """The facts of every function in a module (plus its top level), none deferred."""
    return ModuleAnalysis(tree, source, path, aliases, spec, name=name, is_package=is_package,
                          cache=cache, lazy=False).facts


_NESTING = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For,
                      ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match}
                     | ({ast.TryStar} if hasattr(ast, "TryStar") else set()))


def collect_aliases(tree: ast.Module) -> dict[str, str]:
    """Import aliases of a module (top level and inside functions), like FileContext's."""
    aliases: dict[str, str] = {}
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        cls = node.__class__
        if cls is ast.Import:
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    aliases[head] = head
        elif cls is ast.ImportFrom:
            dots = "." * node.level
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = \
                        f"{dots}{node.module}.{alias.name}" if node.module else dots + alias.name
        elif cls in _NESTING:
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                stack.extend(getattr(node, field, ()))
        elif cls is ast.ExceptHandler or cls is ast.match_case:
            stack.extend(node.body)
    return aliases
