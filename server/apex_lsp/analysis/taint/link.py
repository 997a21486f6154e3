"""Composing function facts into summaries and findings.

A function's *summary* (``Resolved``) says, in terms of its own parameters only:
which parameter reaches which kind of sink (and by which path), which parameter
reaches the return value, and which sources it returns. Linking a function
resolves each of its call sites through the callee's summary (recursively,
memoised), so ``def run(cmd): os.system(cmd)`` in one module and
``run(request.args["c"])`` in another meet at the call: that is where the
finding is reported, with the whole path as its steps.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..model import Location, PathStep
from .facts import FunctionFacts, ModuleFacts
from .kinds import KINDS

MAX_PATH = 40


@dataclass
class Resolved:
    params: tuple[str, ...] = ()
    #: (param index, kind) -> (path, sink name, confidence)
    param_sinks: dict = field(default_factory=dict)
    #: (param index, cleared kinds) -> path
    param_return: dict = field(default_factory=dict)
    #: (source origin, cleared kinds) -> path
    source_return: dict = field(default_factory=dict)

    def signature(self) -> tuple:
        return (sorted(map(repr, self.param_sinks)), sorted(map(repr, self.param_return)),
                sorted(map(repr, self.source_return)))


EMPTY_SUMMARY = Resolved()


@dataclass(frozen=True)
class RawFinding:
    kind: str
    path: str
    span: tuple[int, int, int, int]
    stmt_lines: tuple[int, int]
    steps: tuple[PathStep, ...]
    source: str
    sink: str
    confidence: int
    #: Functions the value went through on its way to the sink (empty: same function).
    via: tuple[str, ...] = ()

    @property
    def cross_file(self) -> bool:
        return any(s.location.path != self.path for s in self.steps)


# While linking, a path is a tuple of segments (file, raw steps): concatenating them is
# cheap, and PathSteps are built only for the paths that end in a finding.
def _segment(path: str, steps) -> tuple:
    return ((path, steps),)


def _flatten(segments: tuple) -> tuple[PathStep, ...]:
    out = []
    for path, steps in segments:
        for s in steps:
            out.append(PathStep(Location(path, s[0], s[1], s[2], s[3]), s[4]))
    if len(out) > MAX_PATH:
        out = out[:MAX_PATH // 2] + out[-MAX_PATH // 2:]
    return tuple(out)


def _cap(path: tuple) -> tuple:
    return path if len(path) <= MAX_PATH else path[:MAX_PATH // 2] + path[-MAX_PATH // 2:]


def _add(table: dict, key, path: tuple, cleared: frozenset) -> None:
    current = table.get(key)
    if current is None:
        table[key] = (path, cleared)
    else:
        table[key] = (current[0] if len(current[0]) <= len(path) else path, current[1] & cleared)


class Linker:
    """Resolves summaries and findings for functions of one or more modules.

    ``find(module, site)`` returns the (ModuleFacts, FunctionFacts) a call site
    refers to, or None when the callee is unknown (its result then carries the
    taint of all its arguments).
    """

    def __init__(self, find) -> None:
        self.find = find
        self.summaries: dict[tuple[str, str], Resolved] = {}
        self.findings: dict[tuple[str, str], list[RawFinding]] = {}
        #: function key -> keys of the callees its summary used
        self.callees: dict[tuple[str, str], set] = {}
        #: function key -> summary linked for findings only (see link_for_findings)
        self._partial: dict[tuple[str, str], Resolved] = {}
        self._active: set = set()

    def forget(self, keys) -> None:
        for key in keys:
            self.summaries.pop(key, None)
            self._partial.pop(key, None)
            self.findings.pop(key, None)
            self.callees.pop(key, None)

    def link(self, module: ModuleFacts, facts: FunctionFacts) -> Resolved:
        """The function's whole summary (and its findings)."""
        return self._linked(module, facts, True)

    def link_for_findings(self, module: ModuleFacts, facts: FunctionFacts) -> Resolved:
        """The function's findings and the sources it returns, for a function linked for
        its own sake (not as a callee): calls that receive only its parameters' taint
        matter only to its summary, so they are not resolved. The summary returned is
        complete in ``source_return`` only; ``link`` completes it when a caller needs it.
        """
        return self._linked(module, facts, False)

    def _linked(self, module: ModuleFacts, facts: FunctionFacts, whole: bool) -> Resolved:
        key = (module.path, facts.qualname)
        done = self.summaries.get(key) or (None if whole else self._partial.get(key))
        if done is not None:
            return done
        if key in self._active:  # recursion: use what is known so far (nothing)
            return EMPTY_SUMMARY
        self._active.add(key)
        try:
            summary, findings, used = self._link(module, facts, whole)
        except RecursionError:
            summary, findings, used = EMPTY_SUMMARY, [], set()
        finally:
            self._active.discard(key)
        if whole:
            self.summaries[key] = summary
            self._partial.pop(key, None)
        else:
            self._partial[key] = summary
        self.findings[key] = findings
        self.callees[key] = used
        return summary

    # -- one function -----------------------------------------------------
    def _link(self, module: ModuleFacts, facts: FunctionFacts, whole: bool = True):
        if not facts.flows:
            return Resolved(facts.params), [], set()
        path = module.path
        used: set = set()
        callees: list = []
        relevant = relevant_sites(facts, whole)
        for index, site in enumerate(facts.sites):
            if index not in relevant:
                callees.append(None)
                continue
            found = self.find(module, site)
            if found is None:
                callees.append(None)
                continue
            callee_module, callee_facts = found
            used.add((callee_module.path, callee_facts.qualname))
            callees.append((self.link(callee_module, callee_facts), callee_facts.qualname))
        arg_flows: dict[int, list] = {}
        other = []
        for flow in facts.flows:
            if flow.dest[0] == "arg":
                arg_flows.setdefault(flow.dest[1], []).append(flow)
            else:
                other.append(flow)
        results: dict[int, dict] = {}
        site_args: dict[int, dict] = {}
        sites = facts.sites
        order = sorted(relevant)  # the other sites have no arguments and no result to pass on
        for _ in range(3):
            changed = False
            for index in order:
                site = sites[index]
                by_param = self._site_args(path, site, callees[index], arg_flows.get(index, ()),
                                           results)
                result = self._site_result(path, site, callees[index], by_param)
                site_args[index] = by_param
                if result.keys() != results.get(index, {}).keys():
                    changed = True
                results[index] = result
            if not changed:
                break
        summary = Resolved(facts.params)
        findings: dict[tuple, RawFinding] = {}

        def reach_sink(origin, steps, cleared, kind, span, stmt_lines, sink, confidence, via):
            if kind in cleared:
                return
            if origin[0] == "s":
                if KINDS[kind].accepts.isdisjoint(origin[2]):
                    return
                fkey = (span, kind)
                current = findings.get(fkey)
                if current is None or len(steps) < len(current.steps):
                    findings[fkey] = RawFinding(kind, path, span, stmt_lines, steps,
                                                origin[1], sink, confidence, via)
            elif origin[0] == "p":
                skey = (origin[1], kind)
                current = summary.param_sinks.get(skey)
                if current is None or len(steps) < len(current[0]):
                    summary.param_sinks[skey] = (_cap(steps), sink, confidence, via)

        for flow in other:
            for origin, (steps, cleared) in self._resolve(path, flow, results).items():
                if flow.dest[0] == "sink":
                    hit = flow.dest[1]
                    reach_sink(origin, steps, cleared, hit.kind, hit.span, hit.stmt_lines,
                               hit.name, hit.confidence, ())
                elif origin[0] == "p":
                    _add(summary.param_return, (origin[1], cleared), steps, cleared)
                elif origin[0] == "s":
                    _add(summary.source_return, (origin, cleared), steps, cleared)
        for index in order:
            callee = callees[index]
            if callee is None:
                continue
            site = sites[index]
            resolved, callee_name = callee
            for (param, kind), (cpath, sink, confidence, via) in resolved.param_sinks.items():
                for origin, (steps, cleared) in site_args[index].get(param, {}).items():
                    reach_sink(origin, steps + cpath, cleared, kind, site.span, site.stmt_lines,
                               sink, confidence, (callee_name,) + via)
        for key, raw in findings.items():
            findings[key] = replace(raw, steps=_flatten(raw.steps))
        summary.param_return = {k: v[0] for k, v in summary.param_return.items()}
        summary.source_return = {k: v[0] for k, v in summary.source_return.items()}
        return summary, list(findings.values()), used

    def _resolve(self, path: str, flow, results: dict) -> dict:
        steps = _segment(path, flow.steps)
        origin = flow.origin
        if origin[0] == "c":
            out = {}
            for inner, (inner_steps, inner_cleared) in results.get(origin[1], {}).items():
                out[inner] = (_cap(inner_steps + steps), inner_cleared | flow.cleared)
            return out
        return {origin: (steps, flow.cleared)}

    def _site_args(self, path, site, callee, flows, results) -> dict:
        """Callee parameter index (or "*" when unknown) -> origin -> (steps, cleared)."""
        params = callee[0].params if callee is not None else ()
        by_param: dict = {}
        for flow in flows:
            where = flow.dest[2]
            index = _param_index(params, where, site.bound)
            for origin, value in self._resolve(path, flow, results).items():
                slot = by_param.setdefault(index, {})
                current = slot.get(origin)
                if current is None:
                    slot[origin] = value
                else:
                    slot[origin] = (current[0] if len(current[0]) <= len(value[0]) else value[0],
                                    current[1] & value[1])
        return by_param

    def _site_result(self, path, site, callee, by_param) -> dict:
        out: dict = {}
        if callee is None:
            back = _segment(path, (site.span + (f"through `{site.name}()`",),))
            for slot in by_param.values():
                for origin, (steps, cleared) in slot.items():
                    _merge_atom(out, origin, _cap(steps + back), cleared)
            return out
        resolved, _ = callee
        back = _segment(path, (site.span + (f"returned from `{site.name}()`",),))
        for (param, cleared_inside), cpath in resolved.param_return.items():
            for origin, (steps, cleared) in by_param.get(param, {}).items():
                _merge_atom(out, origin, _cap(steps + cpath + back), cleared | cleared_inside)
        for (origin, cleared), spath in resolved.source_return.items():
            _merge_atom(out, origin, _cap(spath + back), cleared)
        return out

    def all_findings(self) -> list[RawFinding]:
        return [f for found in self.findings.values() for f in found]


def _merge_atom(out: dict, origin, steps, cleared) -> None:
    current = out.get(origin)
    if current is None:
        out[origin] = (steps, cleared)
    else:
        out[origin] = (current[0] if len(current[0]) <= len(steps) else steps,
                       current[1] & cleared)


@lru_cache(maxsize=4096)  # a few signatures and argument positions recur endlessly
def _param_index(params: tuple[str, ...], where, bound: bool):
    """Map a call argument (position, keyword, -1 for the receiver) to a parameter index."""
    if where == -1:
        return 0
    if isinstance(where, int):
        index = where + (1 if bound else 0)
        positional = [i for i, p in enumerate(params) if not p.startswith("*")]
        star = next((i for i, p in enumerate(params) if p.startswith("*") and
                     not p.startswith("**")), None)
        # keyword-only parameters come after *args; count only those before it
        limit = star if star is not None else len(params)
        positional = [i for i in positional if i < limit]
        if index < len(positional):
            return positional[index]
        return star if star is not None else "*"
    if isinstance(where, str) and where not in ("*", "**"):
        if where in params:
            return params.index(where)
        kwargs = next((i for i, p in enumerate(params) if p.startswith("**")), None)
        return kwargs if kwargs is not None else "*"
    return "*"


def relevant_sites(facts: FunctionFacts, whole: bool = True) -> set[int]:
    """Call sites that receive a flow or whose result flows on (not ``whole``: only
    those that receive more than the function's parameters' taint).

    Only there does the callee's summary matter; resolving the others would
    only analyse (and parse) callees for nothing."""
    relevant = {flow.dest[1] for flow in facts.flows
                if flow.dest[0] == "arg" and (whole or flow.origin[0] != "p")}
    relevant.update(flow.origin[1] for flow in facts.flows if flow.origin[0] == "c")
    return relevant


def link_locally(analysis) -> Linker:
    """Link a module's functions among themselves (calls into other modules unknown),
    analysing the deferred functions a flow reaches; returns the linker."""
    module = analysis.facts

    def load(facts_of, qualname):
        return analysis.analyze(qualname) if facts_of is module else None

    linker = Linker(local_finder(load))
    for facts in list(module.functions.values()):
        if may_find(facts):
            linker.link_for_findings(module, facts)
    wake_source_callers(linker, [module], load, source_of=lambda _module: analysis.source)
    return linker


def may_return_source(facts: FunctionFacts) -> bool:
    """Whether a function's summary can have a ``source_return`` (a source, or a call
    result that may be one, reaches its return value)."""
    return any(flow.dest[0] == "return" and flow.origin[0] != "p" for flow in facts.flows)


def may_find(facts: FunctionFacts) -> bool:
    """Whether linking ``facts`` can produce a finding or return a source by itself:
    some flow starts at a source or at what a call returned (which may be one).

    A function whose flows all start at its parameters matters only through its
    callers, which link it when they do.
    """
    return any(flow.origin[0] != "p" for flow in facts.flows)


def local_finder(load=None, resolve_import=None):
    """A ``find`` for the Linker: same-module calls, and imports through ``resolve_import``.

    ``load(module, qualname)`` analyses a deferred function on demand.
    """

    def find(module: ModuleFacts, site):
        kind, name = site.target
        if kind == "local":
            facts = module.functions.get(name)
            if facts is None and load is not None and name in module.deferred:
                facts = load(module, name)
            return (module, facts) if facts is not None else None
        if resolve_import is not None:
            return resolve_import(name)
        return None

    return find


def wake_source_callers(linker: Linker, modules, load, resolve_import=None, source_of=None,
                        asked=None, imported=None) -> int:
    """Analyse deferred functions that call a function returning a source.

    A function with no source of its own is deferred until a flow reaches it;
    calling something that returns untrusted data is such a flow, found here
    by the names the deferred function calls (``source_of(module)`` gives the
    module's text; a module without them is skipped). With ``asked(module,
    qualname)``, only the functions it accepts are asked whether they return a
    source (a workspace that trusts each file's own pass for what stays inside
    the file). ``imported(module)`` may narrow the module's (alias, target) imports
    to those ``resolve_import`` can resolve. Repeats until nothing changes; returns
    how many functions were woken.
    """
    from .module import call_lines, calls_within
    woken = 0
    tried: set = set()  # a function that cannot be loaded is not asked for again
    while True:
        found = []
        for module in modules:
            if not module.deferred:
                continue
            returning = set()
            for qualname, facts in list(module.functions.items()):
                if asked is not None and not asked(module, qualname):
                    continue
                if may_return_source(facts) and \
                        linker.link_for_findings(module, facts).source_return:
                    returning.add(qualname.rpartition(".")[2])
            if resolve_import is not None:
                imports = imported(module) if imported is not None else module.imports.items()
                for alias, target in imports:
                    hit = resolve_import(target)
                    if hit is not None and may_return_source(hit[1]) and \
                            linker.link_for_findings(*hit).source_return:
                        returning.add(alias)
                        returning.add(target.rpartition(".")[2])
            if not returning:
                continue
            source = source_of(module) if source_of is not None else None
            if source is None:
                continue
            called = call_lines(source, returning)
            found += [(module, q) for q, span in module.deferred.items()
                      if (module.path, q) not in tried and calls_within(called, span)]
        if not found:
            return woken
        for module, qualname in found:
            tried.add((module.path, qualname))
            facts = load(module, qualname)
            if facts is not None:
                woken += 1
                linker.link_for_findings(module, facts)
