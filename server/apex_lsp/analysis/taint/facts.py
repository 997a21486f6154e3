"""What the per-function analysis learns, before any call is resolved.

A function's facts say where values go, in terms of three kinds of origin:

* ``("p", index)``: the function's parameter at ``index``;
* ``("s", label, families)``: a source read inside the function;
* ``("c", site)``: the value returned by call site ``site``, whose callee is
  resolved later (in the same module or, through the workspace, another one).

Facts depend only on the function's own text and its module's environment, so
they are cached by content hash and reused after edits elsewhere; linking
(link.py) composes them into findings.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

#: (line, column, end_line, end_column, message); columns are 1-based.
Step = tuple
Origin = tuple
#: origin -> (steps so far, sink kinds the value has been cleared for)
Taint = dict


@dataclass(frozen=True, slots=True)
class CallSite:
    #: ("local", "Cls.method") or ("import", "package.module.function")
    target: tuple[str, str]
    name: str
    span: tuple[int, int, int, int]
    stmt_lines: tuple[int, int]
    #: The receiver is bound to the callee's first parameter (``self.m(x)``).
    bound: bool = False


@dataclass(frozen=True, slots=True)
class SinkHit:
    kind: str
    name: str
    span: tuple[int, int, int, int]
    stmt_lines: tuple[int, int]
    confidence: int = 3


@dataclass(frozen=True, slots=True)
class Flow:
    origin: Origin
    #: ("sink", SinkHit) | ("return",) | ("arg", site index, position or keyword)
    dest: tuple
    steps: tuple[Step, ...]
    cleared: frozenset


@dataclass(frozen=True, slots=True)
class Verdict:
    """What is proven about a sink call's dangerous arguments, for pattern rules."""

    span: tuple[int, int, int, int]
    kind: str
    #: "constant" or "sanitized"
    verdict: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FunctionFacts:
    qualname: str
    params: tuple[str, ...]
    line: int
    flows: tuple[Flow, ...]
    sites: tuple[CallSite, ...]
    verdicts: tuple[Verdict, ...] = ()

    def shifted(self, delta: int) -> "FunctionFacts":
        """The same facts for the function moved ``delta`` lines down."""
        if not delta:
            return self

        def span(s):
            return (s[0] + delta, s[1], s[2] + delta, s[3])

        def lines(s):
            return (s[0] + delta, s[1] + delta)

        def steps(ss):
            return tuple((s[0] + delta, s[1], s[2] + delta, s[3], s[4]) for s in ss)

        def dest(d):
            if d[0] == "sink":
                hit = d[1]
                return ("sink", replace(hit, span=span(hit.span), stmt_lines=lines(hit.stmt_lines)))
            return d

        return FunctionFacts(
            self.qualname, self.params, self.line + delta,
            tuple(Flow(f.origin, dest(f.dest), steps(f.steps), f.cleared) for f in self.flows),
            tuple(replace(s, span=span(s.span), stmt_lines=lines(s.stmt_lines))
                  for s in self.sites),
            tuple(replace(v, span=span(v.span)) for v in self.verdicts))


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    name: str
    path: str
    functions: dict  # qualname -> FunctionFacts
    #: Names this module imports, resolved to absolute qualified names (re-exports).
    imports: dict
    #: Module-level source text hash, for the workspace to notice edits.
    digest: str = ""
    #: Functions not analysed yet (see module.ModuleAnalysis) -> (first line, last line,
    #: first and last line of the top-level statement that holds them).
    deferred: dict = field(default_factory=dict)
    #: Import aliases as written (local name -> dotted target, relative ones with dots)
    #: and the class names: with ``functions`` and ``deferred``, what a deferred function
    #: needs of its module to be analysed from its own statement alone.
    aliases: dict = field(default_factory=dict)
    classes: tuple = ()


#: Bumped whenever the plain form below changes.
PLAIN_VERSION = 3


def to_plain(module: ModuleFacts) -> tuple:
    """Module facts as tuples, dicts and strings only (for ``marshal``: much faster
    than pickling dataclasses, which matters when every file's facts are written)."""
    def flow(f: Flow):
        dest = f.dest
        if dest[0] == "sink":
            hit = dest[1]
            dest = ("sink", (hit.kind, hit.name, hit.span, hit.stmt_lines, hit.confidence))
        return (f.origin, dest, f.steps, f.cleared)

    functions = {q: (f.qualname, f.params, f.line, tuple(flow(x) for x in f.flows),
                     tuple((s.target, s.name, s.span, s.stmt_lines, s.bound) for s in f.sites),
                     tuple((v.span, v.kind, v.verdict, v.detail) for v in f.verdicts))
                 for q, f in module.functions.items()}
    return (PLAIN_VERSION, module.name, module.path, functions, module.imports, module.digest,
            dict(module.deferred), module.aliases, module.classes)


def from_plain(data: tuple) -> ModuleFacts:
    if not isinstance(data, tuple) or not data or data[0] != PLAIN_VERSION:
        raise ValueError("not module facts of this version")
    _, name, path, functions, imports, digest, deferred, aliases, classes = data

    def flow(item):
        origin, dest, steps, cleared = item
        if dest[0] == "sink":
            dest = ("sink", SinkHit(*dest[1]))
        return Flow(origin, dest, steps, cleared)

    return ModuleFacts(
        name, path,
        {q: FunctionFacts(qualname, params, line, tuple(flow(x) for x in flows),
                          tuple(CallSite(*s) for s in sites),
                          tuple(Verdict(*v) for v in verdicts))
         for q, (qualname, params, line, flows, sites, verdicts) in functions.items()},
        imports, digest, deferred, aliases, classes)
