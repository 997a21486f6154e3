"""The taint engine as an Analyzer whole-file pass (intra-file findings)."""
from __future__ import annotations

import ast

from ..context import FileContext
from ..rules.apx002_internal_error import crash_finding
from .kinds import KINDS
from .link import link_locally
from .module import FactsCache, ModuleAnalysis, collect_aliases
from .report import reconcile, taint_rules, to_finding, verdict_lines
from .spec import build_spec, default_spec
from .workspace import FactsWriter, module_name_for


class TaintPass:
    """``(tree, ctx) -> None``: adds taint findings for the selected taint rules.

    Findings need only the file itself (calls into other files carry the taint
    of their arguments; ``workspace.TaintWorkspace`` adds cross-file findings).
    Function facts are cached by content hash, so re-analysing a file after an
    edit re-runs the data flow only for the functions whose text changed.
    With ``workspace``, each file's facts are also recorded there, so a checker
    gets cross-file findings without parsing the files again. ``cache=False``
    for one-shot runs (nothing is re-analysed, so caching only costs).
    ``reconcile_later``: pattern findings that a taint finding dominates are kept
    for the checker, which drops them once cross-file linking has confirmed (or
    overruled) the file's taint findings.
    """

    def __init__(self, rule_ids=None, *, settings=None, severity_overrides=None,
                 cache: FactsCache | bool = True, workspace=None,
                 facts_dir: str | None = None, reconcile_later: bool = False) -> None:
        self.spec = build_spec(settings) if settings is not None else default_spec()
        selected = {k.rule_id for k in KINDS.values()}
        self.rule_ids = selected if rule_ids is None else selected & set(rule_ids)
        self.severity_overrides = dict(severity_overrides or {})
        # A one-shot run (apex check) gains nothing from keeping facts: they are never
        # reused, and thousands of live objects make every garbage collection slower.
        self.cache = FactsCache() if cache is True else (cache or None)
        self.workspace = workspace
        self.facts_writer = FactsWriter(facts_dir) if facts_dir is not None else None
        self.reconcile_later = reconcile_later
        self._dirs: dict = {}
        self._rules = None

    def __call__(self, tree: ast.Module, ctx: FileContext) -> None:
        if not self.rule_ids:
            return
        try:
            self._run(tree, ctx)
        except RecursionError:
            raise  # the engine reports "too deeply nested" for the file
        except Exception as exc:  # a taint bug must not cost the file its other findings
            ctx.findings.append(crash_finding(ctx.path, "the taint analysis", None, exc))

    def _run(self, tree: ast.Module, ctx: FileContext) -> None:
        # The engine's walk has bound every import of the file already.
        aliases = dict(ctx.aliases) if ctx.aliases else collect_aliases(tree)
        name, is_package = module_name_for(ctx.path, self._dirs)
        analysis = ModuleAnalysis(tree, ctx.source, ctx.path, aliases, self.spec, name=name,
                                  is_package=is_package, cache=self.cache,
                                  verdict_lines=verdict_lines(ctx.findings))
        module = analysis.facts
        if self.workspace is not None:
            self.workspace.keep_analysed(analysis)
        linker = link_locally(analysis)
        # Facts are shared after the local work, so they include what it analysed.
        if self.workspace is not None:
            self.workspace.record(module)
        if self.facts_writer is not None:
            self.facts_writer.write(module)
        if self._rules is None:
            self._rules = taint_rules()
        rules = self._rules
        for raw in linker.all_findings():
            rule = rules.get(raw.kind)
            if rule is not None and rule.id in self.rule_ids:
                ctx.findings.append(to_finding(raw, rule, self.severity_overrides))
        verdicts = [(ctx.path, v) for facts in module.functions.values() for v in facts.verdicts]
        ctx.findings[:] = reconcile(ctx.findings, verdicts, dominate=not self.reconcile_later)


def taint_pass_for(analyzer) -> TaintPass | None:
    """The pass the taint rules bring into an Analyzer (see Rule ``file_pass``).

    Returns None when the Analyzer was already given a TaintPass (a checker that
    configures ``[tool.apex.taint]`` or a workspace passes its own).
    """
    if any(isinstance(p, TaintPass) for p in analyzer.passes):
        return None
    return TaintPass(analyzer.rule_ids,
                     settings=getattr(analyzer, "taint_settings", None),
                     severity_overrides=analyzer.severity_overrides)
