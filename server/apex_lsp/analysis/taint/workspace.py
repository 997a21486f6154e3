"""Taint across files: a workspace index of module facts, linked on demand.

The checker and the language server use one ``TaintWorkspace`` per workspace:

* ``update_files(paths)`` / ``update_source(path, text)`` (re)analyse files;
  a function whose text is unchanged keeps its cached facts (``FactsCache``),
  and only the summaries of changed functions and of the functions that call
  them, directly or not, are linked again (``changed`` tells which modules);
* ``record(module_facts)`` takes facts another analysis already computed
  (``TaintPass(workspace=...)`` in the same process, or ``load_facts_dir`` for
  the files worker processes analysed: they write their facts with
  ``TaintPass(facts_dir=...)``), so files are not parsed twice;
* ``findings(cross_file_only=True)`` returns the findings whose path crosses
  files (the per-file pass already reports the others), suppressions applied.

Module names come from the file system like Python's: a file's package is the
chain of parent directories holding ``__init__.py``; ``from helpers import run``
and ``from .helpers import run`` resolve to the module ``helpers``/``pkg.helpers``
wherever it is in the workspace.
"""
from __future__ import annotations

import ast
import gc
import hashlib
import marshal
import os
import struct
import threading
import warnings
from collections import OrderedDict
from contextlib import contextmanager
from typing import Iterable

from .. import suppress
from ..model import Finding
from .facts import ModuleFacts, from_plain, to_plain
from .kinds import KINDS, RULE_TO_KIND
from .link import Linker, may_find, relevant_sites, wake_source_callers
from .module import FactsCache, ModuleAnalysis, collect_aliases
from .report import taint_rules, to_finding
from .spec import build_spec, default_spec

FACTS_SUFFIX = ".facts"
#: How many parsed modules are kept for analysing deferred functions on demand.
MAX_KEPT_TREES = 64
#: How many re-export hops (``from .impl import run`` in ``__init__``) are followed.
MAX_REEXPORTS = 6


def module_name_for(path: str, known_dirs: dict | None = None) -> tuple[str, bool]:
    """The dotted module name of a file, and whether it is a package ``__init__``."""
    path = os.path.abspath(path)
    directory, base = os.path.split(path)
    stem = base[:-3] if base.endswith(".py") else base.rpartition(".")[0] or base
    is_package = stem == "__init__"
    parts = [] if is_package else [stem]
    cache = known_dirs if known_dirs is not None else {}
    while True:
        has_init = cache.get(directory)
        if has_init is None:
            has_init = os.path.isfile(os.path.join(directory, "__init__.py"))
            cache[directory] = has_init
        if not has_init:
            break
        directory, package = os.path.split(directory)
        if not package:
            break
        parts.insert(0, package)
    return ".".join(parts) or stem, is_package


class TaintWorkspace:
    def __init__(self, *, settings=None, rule_ids: Iterable[str] | None = None,
                 severity_overrides: dict | None = None, cache: FactsCache | bool | None = None,
                 spec_for=None) -> None:
        self.spec = build_spec(settings) if settings is not None else default_spec()
        #: path -> TaintSpec, for files of projects with their own [tool.apex.taint].
        self.spec_for = spec_for or (lambda path: self.spec)
        #: Parsed modules kept for analysing deferred functions (most recent last).
        self._analyses: OrderedDict = OrderedDict()
        #: Top-level statements parsed alone to analyse the deferred functions they hold.
        self._partials: OrderedDict = OrderedDict()
        #: (digest, (source, lines)) of files read from disk for the above.
        self._texts: OrderedDict = OrderedDict()
        self._sources: dict[str, str] = {}
        every = {k.rule_id for k in KINDS.values()}
        self.rule_ids = every if rule_ids is None else every & set(rule_ids)
        self.severity_overrides = dict(severity_overrides or {})
        # cache=False for a one-shot workspace (apex check): nothing is analysed twice.
        self.cache = FactsCache() if cache is None or cache is True else (cache or None)
        self.modules: dict[str, ModuleFacts] = {}  # path -> facts
        self.by_name: dict[str, str] = {}  # module name -> path
        #: dotted target -> (path, rest) of its longest module prefix, or None;
        #: depends only on ``by_name``, so it is cleared whenever that changes.
        self._splits: dict[str, tuple | None] = {}
        self.linker = Linker(self._find)
        self._dirs: dict = {}
        self._lock = threading.RLock()
        #: Module paths whose findings may have changed since the last ``findings()``.
        self.changed: set[str] = set()
        #: path -> (stamp, calls) for ``_cross_dependent`` (see ``_calls_of``).
        self._calls: dict = {}
        #: path -> (digest, imports naming workspace functions) (see ``_workspace_imports``).
        self._imports: dict = {}
        #: Files analysed by ``update_source``, not by a TaintPass that linked them.
        self._indexed: set[str] = set()
        #: The functions the last ``link_all(cross_file_only=True)`` linked.
        self._linked_across: set = set()

    # -- names -------------------------------------------------------------
    def module_name(self, path: str) -> tuple[str, bool]:
        return module_name_for(path, self._dirs)

    # -- updating ----------------------------------------------------------
    def update_files(self, paths: Iterable[str]) -> set[str]:
        """(Re)analyse files from disk; returns the paths whose facts changed."""
        changed = set()
        for path in paths:
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
                source = _decode(data)
            except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
                self.remove(path)
                continue
            if self.update_source(path, source):
                changed.add(path)
        return changed

    def update_source(self, path: str, source: str) -> bool:
        """Analyse ``source`` as the text of ``path``; False when nothing changed."""
        digest = _digest(source)
        current = self.modules.get(path)
        if current is not None and current.digest == digest:
            return False
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False  # keep the last good facts while the user is typing
        name, is_package = self.module_name(path)
        analysis = ModuleAnalysis(tree, source, path, collect_aliases(tree), self.spec_for(path),
                                  name=name, is_package=is_package, cache=self.cache)
        self.keep_analysed(analysis)
        self._sources[path] = source
        changed = self.record(analysis.facts)
        self._indexed.add(path)
        self._keep(path, analysis)
        return changed

    def close(self) -> None:
        """Drop everything at once. The linker calls back into the workspace (a reference
        cycle), so without this a one-shot workspace would wait for the cyclic collector,
        which then traverses every fact and summary it holds."""
        with self._lock:
            self.linker = Linker(_no_callee)
            self.modules.clear()
            self._analyses.clear()
            self._partials.clear()
            self._texts.clear()
            self._calls.clear()
            self._imports.clear()
            self._sources.clear()

    def keep_analysed(self, analysis: ModuleAnalysis) -> None:
        """Analyse the functions a flow reached in the module's previous facts (from the
        cache unless their text changed), so that an edit elsewhere in the file does not
        make them look changed and relink their callers."""
        current = self.modules.get(analysis.path)
        if current is not None:
            for qualname in current.functions:
                if qualname in analysis.facts.deferred:
                    analysis.analyze(qualname)

    def record(self, facts: ModuleFacts) -> bool:
        """Take a module's facts; invalidates what depends on what changed."""
        with self._lock:
            previous = self.modules.get(facts.path)
            if previous is not None and previous.digest == facts.digest and \
                    previous.name == facts.name:
                return False
            self._indexed.discard(facts.path)
            self.modules[facts.path] = facts
            new_name = previous is None or previous.name != facts.name
            if previous is not None and previous.name != facts.name:
                self.by_name.pop(previous.name, None)
            if self.by_name.get(facts.name) != facts.path:
                self.by_name[facts.name] = facts.path
                self._names_changed()
            if new_name:
                # A module appeared: calls that did not resolve before may now.
                self._forget_all()
                return True
            stale = {(facts.path, q) for q, f in facts.functions.items()
                     if previous.functions.get(q) != f}
            stale |= {(facts.path, q) for q in previous.functions if q not in facts.functions}
            self._invalidate(stale)
            return True

    def remove(self, path: str) -> None:
        with self._lock:
            self._indexed.discard(path)
            self._calls.pop(path, None)
            self._imports.pop(path, None)
            self._analyses.pop(path, None)
            self._sources.pop(path, None)
            facts = self.modules.pop(path, None)
            if facts is not None:
                if self.by_name.get(facts.name) == path:
                    del self.by_name[facts.name]
                    self._names_changed()
                self._forget_all()

    def load_facts_dir(self, directory: str) -> int:
        """Record the facts worker processes wrote with ``TaintPass(facts_dir=...)``."""
        count = 0
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            return 0
        with collection_paused():
            for name in names:
                if not name.endswith(FACTS_SUFFIX):
                    continue
                try:
                    # Written by FactsWriter of this program, in a private directory.
                    for facts in read_facts_file(os.path.join(directory, name)):
                        self.record(facts)
                        count += 1
                except OSError:
                    continue
        return count

    def _forget_all(self) -> None:
        self.linker = Linker(self._find)
        self.changed = set(self.modules)

    def _invalidate(self, keys: set) -> None:
        if not keys:
            return
        callers: dict = {}
        for key, used in self.linker.callees.items():
            for callee in used:
                callers.setdefault(callee, set()).add(key)
        todo = list(keys)
        seen = set(keys)
        while todo:
            key = todo.pop()
            for caller in callers.get(key, ()):
                if caller not in seen:
                    seen.add(caller)
                    todo.append(caller)
        self.linker.forget(seen)
        self.changed |= {path for path, _ in seen}

    # -- deferred functions ------------------------------------------------
    def _keep(self, path: str, analysis: ModuleAnalysis) -> None:
        self._analyses[path] = analysis
        self._analyses.move_to_end(path)
        while len(self._analyses) > MAX_KEPT_TREES:
            self._analyses.popitem(last=False)

    def _load(self, module: ModuleFacts, qualname: str):
        """Analyse a deferred function of ``module``: in the module's kept analysis, or
        else parsing just the top-level statement that holds it."""
        span = module.deferred.get(qualname)
        if span is None:
            return module.functions.get(qualname)
        analysis = self._analyses.get(module.path)
        if analysis is None or analysis.facts.digest != module.digest:
            key = (module.path, module.digest, span[2])
            analysis = self._partials.get(key)
            if analysis is None:
                text = self._text_of(module)
                if text is None:
                    return None  # the file changed on disk since; its update will come
                try:
                    analysis = ModuleAnalysis.partial(
                        module, text[0], self.spec_for(module.path), qualname,
                        is_package=self.module_name(module.path)[1], cache=self.cache,
                        lines=text[1])
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    return None
                self._partials[key] = analysis
                while len(self._partials) > MAX_KEPT_TREES:
                    self._partials.popitem(last=False)
        try:
            facts = analysis.analyze(qualname)
        except RecursionError:
            return None
        if facts is not None:
            module.functions[qualname] = facts
            module.deferred.pop(qualname, None)
        return facts

    def _text_of(self, module: ModuleFacts) -> tuple[str, list[str]] | None:
        """(source, its lines) of a module as its facts saw it; None if it changed since."""
        analysis = self._analyses.get(module.path)
        if analysis is not None and analysis.facts.digest == module.digest:
            return analysis.source, analysis.lines
        known = self._texts.get(module.path)
        if known is not None and known[0] == module.digest:
            return known[1]
        source = self._sources.get(module.path)
        if source is None:
            try:
                with open(module.path, "rb") as handle:
                    source = _decode(handle.read())
            except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
                return None
        if _digest(source) != module.digest:
            return None
        text = (source, source.splitlines())
        self._texts[module.path] = (module.digest, text)
        while len(self._texts) > MAX_KEPT_TREES:
            self._texts.popitem(last=False)
        return text

    # -- resolving calls across modules -----------------------------------
    def _find(self, module: ModuleFacts, site):
        kind, target = site.target
        if kind == "local":
            facts = module.functions.get(target) or self._load(module, target)
            return (module, facts) if facts is not None else None
        return self._resolve(target)

    def _resolve_analysed(self, target: str):
        """Like ``_resolve`` without analysing deferred functions (they return no source)."""
        return self._resolve(target, load=False)

    def _resolve(self, target: str, load: bool = True):
        found = self._locate(target)
        if found is None:
            return None
        module, qualname = found
        facts = module.functions.get(qualname)
        if facts is None and load:
            facts = self._load(module, qualname)
        return (module, facts) if facts is not None else None

    def _locate(self, target: str, depth: int = 0):
        """(module facts, qualname) of the function a dotted name refers to, analysed or
        deferred, following re-exports (``from .impl import run`` in ``__init__``)."""
        if depth > MAX_REEXPORTS:
            return None
        split = self._splits.get(target, False)
        if split is False:
            split = self._splits[target] = self._split(target)
        if split is None:
            return None
        path, rest = split
        module = self.modules[path]
        if rest in module.functions or rest in module.deferred:
            return module, rest
        head, _, tail = rest.partition(".")
        reexport = module.imports.get(head)
        if reexport is not None and reexport != target:
            return self._locate(reexport + ("." + tail if tail else ""), depth + 1)
        return None

    def _split(self, target: str) -> tuple | None:
        parts = target.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            path = self.by_name.get(".".join(parts[:cut]))
            if path is not None:
                return path, ".".join(parts[cut:])
        return None

    # -- findings ------------------------------------------------------------
    def link_all(self, cross_file_only: bool = False) -> None:
        """Link every function, or with ``cross_file_only`` just those whose findings can
        cross files: each file's own pass already reported what stays inside it."""
        with self._lock, collection_paused():
            modules = list(self.modules.values())
            wanted = self._cross_dependent(modules) if cross_file_only else None
            self._linked_across = wanted or set()
            for module in modules:
                for facts in list(module.functions.values()):
                    if may_find(facts) and (wanted is None or
                                            (module.path, facts.qualname) in wanted):
                        self.linker.link_for_findings(module, facts)
            wake_source_callers(self.linker, modules, self._load, self._resolve_analysed,
                                self._source_of, self._asked if cross_file_only else None,
                                self._workspace_imports)
            self.changed.clear()

    def _names_changed(self) -> None:
        self._splits.clear()
        self._calls.clear()
        self._imports.clear()

    def _workspace_imports(self, module: ModuleFacts) -> list:
        """The (alias, target) imports of ``module`` that name a workspace function, kept
        until the module or the workspace's module names change."""
        cached = self._imports.get(module.path)
        if cached is not None and cached[0] == module.digest:
            return cached[1]
        found = [(alias, target) for alias, target in module.imports.items()
                 if self._locate(target) is not None]
        self._imports[module.path] = (module.digest, found)
        return found

    def _asked(self, module: ModuleFacts, qualname: str) -> bool:
        """Whether to ask a function if it returns a source, when waking deferred callers
        across files: a file's own pass did that within the file, unless the file came
        from ``update_source`` (an index of files nobody looks at: no pass ran)."""
        return module.path in self._indexed or (module.path, qualname) in self.linker.findings

    def _cross_dependent(self, modules) -> set:
        """Functions whose findings may depend on another module: a call that receives
        more than their parameters' taint (or whose result flows on) and names a
        workspace function elsewhere, or a function of their own module whose summary
        depends on another module."""
        summary_callers: dict = {}  # local callee -> functions whose summary uses it
        crossing: set = set()  # functions whose summary uses another module
        finding_calls: list = []  # (function, local callees its findings use, crosses)
        for module in modules:
            for key, summary_local, crosses_whole, finding_local, crosses in \
                    self._calls_of(module):
                for callee in summary_local:
                    summary_callers.setdefault(callee, []).append(key)
                if crosses_whole:
                    crossing.add(key)
                finding_calls.append((key, finding_local, crosses))
        todo = list(crossing)
        while todo:
            for caller in summary_callers.get(todo.pop(), ()):
                if caller not in crossing:
                    crossing.add(caller)
                    todo.append(caller)
        return {key for key, local, crosses in finding_calls
                if crosses or any(callee in crossing for callee in local)}

    def _calls_of(self, module: ModuleFacts) -> list:
        """Per function of ``module`` with calls: (key, local callees its summary uses,
        whether its summary uses another module, local callees its findings use, whether
        its findings do). Kept until the module or the workspace's module names change
        (an edit relinks one file, not the whole workspace's call graph)."""
        stamp = (module.digest, len(module.functions))
        cached = self._calls.get(module.path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        out = []
        path = module.path
        for facts in module.functions.values():
            if not facts.sites or not facts.flows:
                continue
            partial = relevant_sites(facts, whole=False)
            summary_local, finding_local = [], []
            crosses_whole = crosses = False
            for index in relevant_sites(facts):
                kind, target = facts.sites[index].target
                if kind == "local":
                    summary_local.append((path, target))
                    if index in partial:
                        finding_local.append((path, target))
                elif self._locate(target) is not None:
                    crosses_whole = True
                    crosses = crosses or index in partial
            out.append(((path, facts.qualname), summary_local, crosses_whole, finding_local,
                        crosses))
        self._calls[path] = (stamp, out)
        return out

    def _source_of(self, module: ModuleFacts) -> str | None:
        """The text of a module as its facts saw it (None if it changed since)."""
        text = self._text_of(module)
        return text[0] if text is not None else None

    def raw_findings(self, cross_file_only: bool = True):
        self.link_all(cross_file_only)
        found = self.linker.all_findings()
        if cross_file_only:
            found = [f for f in found if f.cross_file]
        return found

    def findings(self, cross_file_only: bool = True, paths: Iterable[str] | None = None
                 ) -> list[Finding]:
        """Taint findings (by default only those whose path crosses files)."""
        wanted = set(paths) if paths is not None else None
        rules = taint_rules()
        out: list[Finding] = []
        comments: dict[str, dict] = {}
        for raw in self.raw_findings(cross_file_only):
            if wanted is not None and raw.path not in wanted:
                continue
            rule = rules.get(raw.kind)
            if rule is None or rule.id not in self.rule_ids:
                continue
            finding = to_finding(raw, rule, self.severity_overrides)
            if raw.path not in comments:
                comments[raw.path] = _suppressions(raw.path)
            if _suppressed(finding, comments[raw.path]):
                continue
            out.append(finding)
        out.sort(key=Finding.sort_key)
        return out


    def cross_file(self, paths: Iterable[str] | None = None) -> tuple[list[Finding], dict]:
        """The findings whose path crosses files, and what linking across files found at
        each sink or call of the functions it linked: ``{path: {span: kinds}}``.

        A file's own pass treats a call into another file as passing its arguments'
        taint on; where the real callee sanitizes or drops it, the pass reported a
        finding that the spans here overrule (``overruled``).
        """
        with self._lock:
            found = self.findings(cross_file_only=True, paths=paths)
            wanted = set(paths) if paths is not None else None
            spots: dict = {}
            for key in self._linked_across:
                path, qualname = key
                linked = self.linker.findings.get(key)
                facts = self.modules[path].functions.get(qualname) if linked is not None \
                    and (wanted is None or path in wanted) and path in self.modules else None
                if facts is None:
                    continue
                here = spots.setdefault(path, {})
                for span in _finding_spans(facts):
                    here.setdefault(span, set())
                for raw in linked:
                    here.setdefault(raw.span, set()).add(raw.kind)
            return found, spots


def overruled(finding: Finding, spots: dict) -> bool:
    """Whether a file's own taint finding is one that linking across files ruled out
    (see ``TaintWorkspace.cross_file``)."""
    kind = RULE_TO_KIND.get(finding.rule)
    if kind is None:
        return False
    kinds = spots.get(finding.path, {}).get(
        (finding.line, finding.column, finding.end_line, finding.end_column))
    return kinds is not None and kind not in kinds


def _finding_spans(facts) -> set:
    """Where a function's findings can be reported: its sinks and its calls."""
    spans = {site.span for site in facts.sites}
    spans.update(flow.dest[1].span for flow in facts.flows if flow.dest[0] == "sink")
    return spans


def _no_callee(module, site):
    return None


@contextmanager
def collection_paused():
    """Loading and linking facts builds many small objects that live on and form no
    cycles: the cyclic collector would only rescan them, over and over (it took
    about 40 % of linking a web application's facts)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _suppressed(finding: Finding, comments: dict) -> bool:
    start, end = finding.stmt_lines if finding.stmt_lines != (0, 0) else \
        (finding.line, finding.end_line)
    from ..registry import rules_by_id
    bandit = getattr(rules_by_id().get(finding.rule), "bandit", ())
    return any(comments[line].matches(finding.rule, bandit)
               for line in range(start, end + 1) if line in comments)


def _suppressions(path: str) -> dict:
    try:
        with open(path, "rb") as handle:
            return suppress.scan(_decode(handle.read()))
    except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
        return {}


def _decode(data: bytes) -> str:
    import io
    import tokenize
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def _digest(source: str) -> str:
    return hashlib.blake2b(source.encode(), digest_size=16).hexdigest()


class FactsWriter:
    """Appends module facts to one file per process in ``directory`` (for ``load_facts_dir``).

    One open file per process and a flushed write per module: workers of a
    process pool may exit without flushing buffers, and opening a file per
    module costs more than analysing most of them.
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._handle = None
        self._pid = None
        self._lock = threading.Lock()

    def write(self, facts: ModuleFacts) -> None:
        data = marshal.dumps(to_plain(facts))
        with self._lock:
            try:
                if self._pid != os.getpid():  # first write, or a forked child
                    self._pid = os.getpid()
                    name = f"{self._pid}-{id(self):x}{FACTS_SUFFIX}"
                    self._handle = open(os.path.join(self.directory, name), "ab")
                self._handle.write(struct.pack("<I", len(data)) + data)
                self._handle.flush()
            except OSError:
                self._handle = None  # cross-file findings for this process are lost; say so
                self._pid = None

    def __reduce__(self):  # a pass sent to a worker opens its own file there
        return (FactsWriter, (self.directory,))


def read_facts_file(path: str):
    """The module facts in one file written by FactsWriter (stops at a torn record)."""
    with open(path, "rb") as handle:
        data = handle.read()
    offset = 0
    while offset + 4 <= len(data):
        (size,) = struct.unpack_from("<I", data, offset)
        offset += 4
        if offset + size > len(data):
            return
        try:
            yield from_plain(marshal.loads(data[offset:offset + size]))
        except (EOFError, ValueError, TypeError):
            pass
        offset += size
