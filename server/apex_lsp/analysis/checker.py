"""Analyse files the way `apex check` does, for the CLI, the language server and taint.

:class:`Checker` owns the per-project settings (via :class:`ProjectResolver`)
and one :class:`Analyzer` per project, and applies what the engine does not:
per-file ignores and the minimum severity/confidence. ``check_paths`` walks
arguments, runs the files in worker processes when there are many, and
returns a deterministic :class:`CheckReport`.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Callable, Sequence

from apex_policy.analysis_settings import AnalysisSettings

from .discovery import Discovery, Exclusion, Target, discover
from .engine import Analyzer, FilePass, FileResult
from .model import FileError, Finding
from .projects import Project, ProjectResolver
from .selection import RuleSelection, select_rules

#: Below this many files, one process is faster than starting workers.
PARALLEL_MIN_FILES = 48
#: Files handed to a worker at once: big enough to amortise pickling, small enough to balance.
MAX_CHUNK = 32

#: Builds whole-file passes (the taint engine) for a project's settings. Must be a
#: module-level function so worker processes can receive it.
PassesFactory = Callable[[AnalysisSettings], Sequence[FilePass]]
Progress = Callable[[int, int], None]


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0
    suppressed: int = 0
    excluded: list[Exclusion] = field(default_factory=list)
    notes: list[Exclusion] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def build_analyzer(selection: RuleSelection, passes: Sequence[FilePass] = ()) -> Analyzer:
    return Analyzer(selection.rules, severity_overrides=selection.severity_overrides,
                    report_unused_suppressions=selection.report_unused_suppressions,
                    passes=passes)


def finish(result: FileResult, selection: RuleSelection, rel_path: str | None) -> FileResult:
    """Apply per-file ignores and minimum severity/confidence to an engine result."""
    ignored = selection.ignored_in(rel_path)
    kept = [f for f in result.findings if selection.keep(f, ignored)]
    if len(kept) != len(result.findings):
        result.findings = kept
    return result


def _safe_analyze(analyzer: Analyzer, path: str, shown: str,
                  data: bytes | None = None) -> FileResult:
    """Analyse the file at ``path`` (or ``data``, its contents) without ever raising."""
    try:
        if data is not None:
            return analyzer.analyze_bytes(data, shown)
        return analyzer.analyze_file(path, shown)
    except RecursionError:
        return FileResult(error=FileError(shown, "too deeply nested to analyse"))
    except MemoryError:
        return FileResult(error=FileError(shown, "out of memory while analysing; skipped"))
    except Exception as exc:  # the engine contains rule crashes; this is the last net
        return FileResult(error=FileError(shown, f"internal error: {type(exc).__name__}: {exc}"))


class Checker:
    """Reusable across calls; one per CLI run or language-server workspace."""

    #: multiprocessing start method for workers; None chooses (fork unless threaded).
    start_method: str | None = None

    def __init__(self, resolver: ProjectResolver | None = None, *,
                 passes_factory: PassesFactory | None = None) -> None:
        self.resolver = resolver or ProjectResolver()
        self.passes_factory = passes_factory
        self._analyzers: dict[str, Analyzer] = {}

    # -- one file ---------------------------------------------------------
    def project_for(self, path: str) -> Project:
        return self.resolver.for_path(path)

    def analyzer_for(self, project: Project) -> Analyzer:
        analyzer = self._analyzers.get(project.root)
        if analyzer is None:
            passes = self.passes_factory(project.analysis) if self.passes_factory else ()
            analyzer = build_analyzer(project.selection, passes)
            self._analyzers[project.root] = analyzer
        return analyzer

    def check_source(self, path: str, source: str, shown: str | None = None) -> FileResult:
        """Analyse unsaved text as if it were the file at ``path`` (the editor's buffer)."""
        project = self.project_for(path)
        result = self.analyzer_for(project).analyze_source(source, shown or path)
        return finish(result, project.selection, project.rel_path(os.path.abspath(path)))

    def check_file(self, path: str, shown: str | None = None) -> FileResult:
        project = self.project_for(path)
        result = _safe_analyze(self.analyzer_for(project), path, shown or path)
        return finish(result, project.selection, project.rel_path(os.path.abspath(path)))

    def check_bytes(self, path: str, data: bytes, shown: str | None = None) -> CheckReport:
        """Analyse ``data`` (standard input) as the file at ``path`` would be: its project's
        settings and per-file ignores apply, its encoding is read as for a file."""
        project = self.project_for(path)
        result = _safe_analyze(self.analyzer_for(project), path, shown or path, data)
        result = finish(result, project.selection, project.rel_path(os.path.abspath(path)))
        return CheckReport(findings=sorted(result.findings, key=Finding.sort_key),
                           errors=[result.error] if result.error else [], files=1,
                           suppressed=result.suppressed, projects=self.resolver.projects())

    # -- many files -------------------------------------------------------
    def discover(self, paths: Sequence[str]) -> Discovery:
        return discover(paths, lambda d: self.resolver.for_directory(d).excludes)

    def check_paths(self, paths: Sequence[str], *, jobs: int | None = None,
                    progress: Progress | None = None) -> CheckReport:
        found = self.discover(paths)
        report = CheckReport(errors=list(found.errors), excluded=found.excluded,
                             notes=found.notes, files=len(found.targets))
        results = self.run_targets(found.targets, jobs=jobs, progress=progress)
        for result in results:
            report.findings.extend(result.findings)
            report.suppressed += result.suppressed
            if result.error is not None:
                report.errors.append(result.error)
        report.findings.sort(key=Finding.sort_key)
        report.errors.sort(key=lambda e: (e.path, e.message))
        report.projects = self.resolver.projects()
        return report

    def run_targets(self, targets: Sequence[Target], *, jobs: int | None = None,
                    progress: Progress | None = None) -> list[FileResult]:
        jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
        if jobs == 1 or len(targets) < PARALLEL_MIN_FILES:
            return self._run_serial(targets, progress)
        return self._run_parallel(targets, jobs, progress)

    def _item(self, target: Target) -> tuple[str, str, str, str | None]:
        project = self.resolver.for_directory(os.path.dirname(target.path))
        return (project.root, target.path, target.shown, project.rel_path(target.path))

    def _run_serial(self, targets: Sequence[Target], progress: Progress | None) -> list[FileResult]:
        out = []
        for done, target in enumerate(targets, 1):
            out.append(self.check_file(target.path, target.shown))
            if progress is not None:
                progress(done, len(targets))
        return out

    def _run_parallel(self, targets: Sequence[Target], jobs: int,
                      progress: Progress | None) -> list[FileResult]:
        items = [self._item(t) for t in targets]
        settings = {p.root: p.analysis for p in self.resolver.projects()}
        size = max(1, min(MAX_CHUNK, len(items) // (jobs * 4)))
        results: list[FileResult | None] = [None] * len(items)
        done = 0

        def finished(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, len(items))

        # A worker that dies (out of memory, a crash in a C extension) breaks the whole
        # pool and fails every task in flight. So: chunks first; the files of failed
        # chunks again one per task; a file that fails that too, alone in its own
        # process, and reported as an error if it still kills it. The parent never
        # analyses a file that may crash it.
        chunks = [(start, items[start:start + size]) for start in range(0, len(items), size)]
        failed = self._pool_round(chunks, jobs, settings, results, finished)
        if failed:
            singles = [(start + offset, [item]) for start, chunk in failed
                       for offset, item in enumerate(chunk)]
            failed = self._pool_round(singles, jobs, settings, results, lambda _n: None)
            for start, (item,) in failed:
                if self._pool_round([(start, [item])], 1, settings, results, lambda _n: None):
                    results[start] = FileResult(error=FileError(
                        item[2], "analysing this file crashed the worker process; skipped"))
        if progress is not None:
            progress(len(items), len(items))
        return [r for r in results if r is not None]

    def _pool_round(self, tasks, jobs: int, settings, results: list,
                    finished: Callable[[int], None]) -> list:
        """Run ``(start index, items)`` tasks in a pool; return the tasks that failed."""
        # fork is cheap and inherits the imported rules, but is unsafe in a threaded
        # process (the language server); use the platform default there.
        method = self.start_method or ("fork" if threading.active_count() == 1 and
                                       "fork" in multiprocessing.get_all_start_methods()
                                       else None)
        context = multiprocessing.get_context(method)
        failed = []
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(tasks))), mp_context=context,
                                 initializer=_worker_init,
                                 initargs=(settings, self.passes_factory)) as pool:
            futures = {pool.submit(_worker_run, chunk): (start, chunk) for start, chunk in tasks}
            for future in as_completed(futures):
                start, chunk = futures[future]
                try:
                    out = future.result()
                except Exception:
                    failed.append((start, chunk))
                    continue
                results[start:start + len(out)] = out
                finished(len(chunk))
        failed.sort(key=lambda task: task[0])
        return failed


# -- worker processes --------------------------------------------------------
# Per-process state: set once by the pool initializer, read by every task.
_worker_state: dict = {}


def _worker_init(settings: dict[str, AnalysisSettings],
                 passes_factory: PassesFactory | None) -> None:
    _worker_state.clear()
    _worker_state["settings"] = settings
    _worker_state["passes_factory"] = passes_factory
    _worker_state["analyzers"] = {}


def _worker_run(chunk: list[tuple[str, str, str, str | None]]) -> list[FileResult]:
    analyzers = _worker_state["analyzers"]
    out = []
    for root, path, shown, rel in chunk:
        entry = analyzers.get(root)
        if entry is None:
            analysis = _worker_state["settings"][root]
            selection = select_rules(analysis)
            factory = _worker_state["passes_factory"]
            entry = (build_analyzer(selection, factory(analysis) if factory else ()), selection)
            analyzers[root] = entry
        analyzer, selection = entry
        out.append(finish(_safe_analyze(analyzer, path, shown), selection, rel))
    return out
