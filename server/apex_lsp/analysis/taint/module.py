"""One module: its environment, and the facts of each of its functions (cached)."""
from __future__ import annotations

import ast
import hashlib
import re
import threading
from collections import OrderedDict

from .facts import FunctionFacts, ModuleFacts
from .flow import FunctionFlow, constant_names
from .frameworks import Frameworks, handler_info

MODULE_SCOPE = "<module>"
_UNKNOWN = object()


class ModuleScope:
    """What every function of a module shares: imports, definitions, tainted globals."""

    def __init__(self, tree: ast.Module, aliases: dict[str, str], name: str,
                 is_package: bool, spec) -> None:
        self.tree = tree
        self.aliases = aliases
        self.name = name
        self.is_package = is_package
        self.spec = spec
        self.frameworks = Frameworks.from_aliases(aliases)
        #: qualname -> (node, class name or None, class node or None)
        self.function_nodes: dict[str, tuple] = {}
        self.classes: set[str] = set()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._add_function(node, node.name, None, None)
            elif isinstance(node, ast.ClassDef):
                self.classes.add(node.name)
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self._add_function(item, f"{node.name}.{item.name}", node.name, node)
            elif isinstance(node, (ast.If, ast.Try)):  # `if TYPE_CHECKING:`/try-import defs
                for item in _flat_bodies(node):
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                            and item.name not in self.function_nodes:
                        self._add_function(item, item.name, None, None)
        self.functions = self.function_nodes  # names the flow engine resolves against
        self.globals: dict = {}
        self._qualnames: dict = {}
        self._constants: frozenset | None = None
        self._import_heads = frozenset(t.partition(".")[0] for t in aliases.values()) | \
            frozenset(t for t in aliases.values() if t.startswith("."))

    def _add_function(self, node, qualname, class_name, class_node) -> None:
        self.function_nodes[qualname] = (node, class_name, class_node)
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._add_function(item, f"{qualname}.{item.name}", None, None)

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
                     sorted(self.aliases.items()), sorted(self.function_nodes),
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


try:  # possessive: no backtracking inside a name (Python 3.11+)
    _CALLED = re.compile(r"\b(\w++)\(")
except re.error:  # pragma: no cover - Python 3.10
    _CALLED = re.compile(r"\b(\w+)\(")


class ModuleAnalysis:
    """A parsed module whose functions are analysed now or when first needed.

    A function is analysed up front when its text hints at a source (or a sink
    the pattern rules care about), when it is decorated by a call (a route), or
    when the module has tainted globals. Any other function cannot start a flow:
    it is analysed only when a call from an analysed function reaches it
    (``analyze``), or when it calls a function found to return a source
    (``deferred`` keeps the names it calls, for ``wake_source_callers``).
    Until then, calls to it carry the taint of their arguments, as for unknown
    functions, which over-approximates what the function could do with them.
    """

    def __init__(self, tree: ast.Module, source: str, path: str, aliases: dict[str, str], spec,
                 *, name: str = "", is_package: bool = False,
                 cache: FactsCache | None = None, lazy: bool = True,
                 upfront: bool = True) -> None:
        self.scope = scope = ModuleScope(tree, aliases, name, is_package, spec)
        self.path = path
        self.cache = cache
        self.lines = source.splitlines()
        top = FunctionFlow(scope, tree, MODULE_SCOPE, None, None)
        functions: dict[str, FunctionFacts] = {MODULE_SCOPE: top.run()}
        scope.globals = {k: {o: v for o, v in t.items() if o[0] == "s"}
                         for k, t in top.env.items() if "." not in k and t}
        scope.globals = {k: v for k, v in scope.globals.items() if v}
        self.env_digest = scope.environment_digest() if cache is not None else ""
        imports = {local: absolute for local, target in aliases.items()
                   if (absolute := scope.absolute(target)) is not None}
        self.facts = ModuleFacts(name, path, functions, imports,
                                 hashlib.blake2b(source.encode(), digest_size=16).hexdigest(),
                                 {})
        everything = not lazy or bool(scope.globals)
        if not upfront:  # parsed again only to analyse deferred functions on demand
            return
        # `from flask import request as rq`, `from sys import argv`: the local name is a hint.
        hints = spec.hints + tuple(alias.lower() for alias, target in aliases.items()
                                   if target in spec.source_roots
                                   and alias != target.rpartition(".")[2])
        whole = source.lower()
        hints = tuple(h for h in hints if h in whole)  # usually few are left to look for
        for qualname, (node, _, _) in scope.function_nodes.items():
            text = self._text(node)
            lower = text.lower() if hints else ""
            if everything or any(h in lower for h in hints) or any(
                    d.__class__ is ast.Call for d in node.decorator_list):
                self._analyze(qualname, text)
            else:
                self.facts.deferred[qualname] = frozenset(_CALLED.findall(text))

    def _text(self, node) -> str:
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        return "\n".join(self.lines[first - 1:node.end_lineno])

    def analyze(self, qualname: str) -> FunctionFacts | None:
        """The facts of one function, analysing it now if it was deferred."""
        facts = self.facts.functions.get(qualname)
        if facts is None and qualname in self.scope.function_nodes:
            facts = self._analyze(qualname, self._text(self.scope.function_nodes[qualname][0]))
        return facts

    def _analyze(self, qualname: str, text: str) -> FunctionFacts:
        node, class_name, class_node = self.scope.function_nodes[qualname]
        digest = hashlib.blake2b(f"{self.env_digest}\0{text}".encode(),
                                 digest_size=16).hexdigest()
        key = (self.path, qualname)
        cached = self.cache.get(key, digest) if self.cache is not None else None
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
