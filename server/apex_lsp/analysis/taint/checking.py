"""How `apex check` (the Checker) runs taint: configured passes, then cross-file findings.

    facts_dir = tempfile.mkdtemp()
    checker = Checker(resolver, passes_factory=functools.partial(taint_passes, facts_dir=facts_dir))
    report = checker.check_paths(paths)
    add_cross_file_findings(checker, report, facts_dir)

Each file's taint pass (in whatever worker process analyses it) reports the
findings inside that file and writes the file's facts to ``facts_dir``; the
workspace then links the facts of all files and adds the findings whose path
crosses files, filtered by each file's project selection (rules, per-file
ignores, minimum severity/confidence) and suppression comments.
"""
from __future__ import annotations

import os

from .kinds import KINDS
from .report import reconcile
from .spec import build_spec, default_spec
from .taint_pass import TaintPass
from .workspace import TaintWorkspace, collection_paused, overruled


def taint_passes(analysis, facts_dir: str | None = None, cache: bool = False,
                 reconcile_later: bool | None = None) -> list:
    """A Checker ``passes_factory``: the taint pass configured by ``[tool.apex.taint]``.

    With ``enabled = false`` the returned pass selects no rule, which also keeps
    the Analyzer from adding a default one. A long-lived analyzer that sees the
    same files again (the language server) wants ``cache=True``:
    ``functools.partial(taint_passes, cache=True)``. ``reconcile_later`` (the default
    with ``facts_dir``): the caller reconciles after cross-file linking (see
    ``add_cross_file_findings``).
    """
    from .. import selection as selection_module
    taint = getattr(analysis, "taint", None)
    enabled = taint is None or getattr(taint, "enabled", True)
    rule_ids = None
    try:
        chosen = selection_module.select_rules(analysis)
        rule_ids = chosen.rule_ids
        overrides = chosen.severity_overrides
    except Exception:  # the checker reports configuration errors itself
        overrides = {}
    if not enabled:
        rule_ids = ()
    if reconcile_later is None:
        reconcile_later = facts_dir is not None
    return [TaintPass(rule_ids, settings=taint, severity_overrides=overrides,
                      facts_dir=facts_dir, cache=cache, reconcile_later=reconcile_later)]


def add_cross_file_findings(checker, report, facts_dir: str) -> int:
    """Add workspace (cross-file) taint findings to a CheckReport, drop the per-file
    ones that linking across files overruled, and let taint findings dominate the
    pattern findings on the same sinks; returns how many findings were added.

    A failure here is reported in ``report.errors`` and costs only these findings.
    """
    try:
        return _add_cross_file_findings(checker, report, facts_dir)
    except RecursionError:
        message = "call chains too deep to follow"
    except Exception as exc:
        message = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        report.findings[:] = sorted(reconcile(report.findings), key=lambda f: f.sort_key())
    from ..model import FileError
    report.errors.append(FileError("<workspace>", f"cross-file taint analysis skipped: {message}"))
    return 0


def cross_file_findings(facts_dir: str, spec_for=None) -> tuple[list, dict]:
    """The findings whose path crosses files, from the facts workers wrote to
    ``facts_dir``, and the spans that overrule per-file findings
    (``TaintWorkspace.cross_file``).

    The cyclic collector stays paused until the workspace is closed: its objects then
    die by reference counting, and a collection while they live would only traverse
    them all.
    """
    with collection_paused():
        workspace = TaintWorkspace(spec_for=spec_for, cache=False)
        if not workspace.load_facts_dir(facts_dir):
            return [], {}
        try:
            return workspace.cross_file()
        finally:
            workspace.close()


def _add_cross_file_findings(checker, report, facts_dir: str) -> int:
    specs: dict = {}

    def spec_for(path: str):
        # Deferred functions analysed now must see their project's [tool.apex.taint].
        try:
            project = checker.project_for(path)
        except Exception:
            return default_spec()
        if project.root not in specs:
            specs[project.root] = build_spec(getattr(project.analysis, "taint", None))
        return specs[project.root]

    found, spots = cross_file_findings(facts_dir, spec_for)
    if spots:  # what the per-file passes assumed about calls into other files
        report.findings[:] = [f for f in report.findings if not overruled(f, spots)]
    if not found:
        return 0
    added = []
    taint_ids = {k.rule_id for k in KINDS.values()}
    # A call may pass one source on within its file and another across files.
    seen = {(f.path, f.line, f.column, f.rule) for f in report.findings if f.rule in taint_ids}
    for finding in found:
        if (finding.path, finding.line, finding.column, finding.rule) in seen:
            continue
        try:
            project = checker.project_for(finding.path)
        except Exception:
            continue
        selection = project.selection
        if finding.rule not in selection.rule_ids or finding.rule not in taint_ids:
            continue
        taint = getattr(project.analysis, "taint", None)
        if taint is not None and not getattr(taint, "enabled", True):
            continue
        if finding.rule in selection.severity_overrides:
            finding.severity = selection.severity_overrides[finding.rule]
        rel = project.rel_path(os.path.abspath(finding.path))
        if selection.keep(finding, selection.ignored_in(rel)):
            added.append(finding)
    report.findings.extend(added)
    return len(added)
