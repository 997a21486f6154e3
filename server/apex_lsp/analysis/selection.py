"""From AnalysisSettings to what the analyzer runs: rules, severities, per-file ignores.

Selectors are rule ids or id prefixes (``"APX1"`` selects APX100-APX199;
``"ALL"`` selects every rule). Like ruff, the most specific selector wins when
``select``/``extend-select`` and ``ignore`` disagree: ``ignore = ["APX1"]`` with
``extend-select = ["APX101"]`` keeps APX101. On a tie, ``ignore`` wins.
With an empty ``select`` the base set is every rule enabled by default.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Sequence

from apex_policy.analysis_settings import AnalysisSettings

from .discovery import path_matches
from .gitignore import Pattern, compile_pattern
from .model import Confidence, Finding, Severity
from .registry import all_rules
from .rule import Rule
from .rules.apx000_syntax_error import SyntaxErrorFound
from .rules.apx001_unused_suppression import UnusedSuppression
from .rules.apx002_internal_error import INTERNAL_ERROR_ID

SYNTAX_ERROR_ID = SyntaxErrorFound.id
UNUSED_SUPPRESSION_ID = UnusedSuppression.id
#: Meta findings the engine itself makes, not a rule's check method.
ENGINE_MADE = frozenset({SYNTAX_ERROR_ID, UNUSED_SUPPRESSION_ID, INTERNAL_ERROR_ID})
#: Engine-made findings about the analysis itself: on unless ignored, and never hidden
#: by the minimum severity/confidence (a file that did not parse, a rule that crashed,
#: is coverage lost, whatever the threshold).
ALWAYS_SHOWN = (SYNTAX_ERROR_ID, INTERNAL_ERROR_ID)
ALL = "ALL"


class SelectionError(ValueError):
    """A setting names something that does not exist; ``key`` is the TOML key."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def _specificity(selector: str, rule_id: str) -> int:
    """Length of ``selector`` when it selects ``rule_id``, else -1."""
    if selector == ALL:
        return 0
    return len(selector) if rule_id.startswith(selector) else -1


def check_selectors(key: str, selectors: Iterable[str],
                    catalogue: Sequence[type[Rule]] | None = None) -> tuple[str, ...]:
    """``selectors`` upper-cased; SelectionError (naming ``key``) for one that matches no
    rule, with the Apex id when it is a bandit id and the nearest ids for a typo."""
    rules = tuple(all_rules() if catalogue is None else catalogue)
    out = []
    for raw in selectors:
        selector = raw.strip().upper()
        if selector != ALL and not any(r.id.startswith(selector) for r in rules):
            raise SelectionError(key, f"{raw!r} matches no rule{_hint(selector, rules)}")
        out.append(selector)
    return tuple(out)


def _hint(selector: str, rules: Sequence[type[Rule]]) -> str:
    bandit = [r.id for r in rules if selector in r.bandit]
    if bandit:
        return f": {selector} is a bandit test id; use the Apex rule for it: {_either(bandit)}"
    near = difflib.get_close_matches(selector, [r.id for r in rules], n=3, cutoff=0.75)
    if near:
        return f"; did you mean {_either(near)}?"
    return " (expected a rule id such as 'APX101' or a prefix such as 'APX1')"


def _either(ids: Sequence[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} or {ids[-1]}"


@dataclass(frozen=True)
class PerFileIgnore:
    pattern: Pattern
    selectors: tuple[str, ...]


@dataclass(frozen=True)
class RuleSelection:
    rules: tuple[type[Rule], ...]
    severity_overrides: dict[str, Severity]
    per_file_ignores: tuple[PerFileIgnore, ...]
    min_severity: Severity
    min_confidence: Confidence
    report_unused_suppressions: bool
    #: Which of ALWAYS_SHOWN (syntax errors, rule crashes) are reported, i.e. not ignored.
    reported_meta: frozenset[str] = frozenset(ALWAYS_SHOWN)

    @property
    def report_syntax_errors(self) -> bool:
        return SYNTAX_ERROR_ID in self.reported_meta

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.rules)

    def ignored_in(self, rel_path: str | None) -> tuple[str, ...]:
        """Selectors ignored for a file, given its path relative to the project root."""
        if not rel_path or not self.per_file_ignores:
            return ()
        out: list[str] = []
        for item in self.per_file_ignores:
            if path_matches((item.pattern,), rel_path) is not None:
                out.extend(item.selectors)
        return tuple(out)

    def keep(self, finding: Finding, ignored: tuple[str, ...] = ()) -> bool:
        """Whether a finding survives per-file ignores and the minimum severity/confidence."""
        if finding.rule in ALWAYS_SHOWN:
            if finding.rule not in self.reported_meta:
                return False
        elif finding.severity < self.min_severity or finding.confidence < self.min_confidence:
            return False
        return not any(_specificity(s, finding.rule) >= 0 for s in ignored)


def _meta_reported(meta: str, on: Sequence[str], ignore: Sequence[str]) -> bool:
    off = max((_specificity(s, meta) for s in ignore), default=-1)
    return off < 0 or off < max([_specificity(s, meta) for s in on] + [0])


def _parse_level(key: str, text: str, kind):
    try:
        return kind.parse(text)
    except (KeyError, AttributeError):
        names = ", ".join(str(m) for m in kind)
        raise SelectionError(key, f"{text!r} is not one of: {names}") from None


def select_rules(settings: AnalysisSettings,
                 catalogue: Sequence[type[Rule]] | None = None) -> RuleSelection:
    """Resolve ``settings`` against the rule catalogue. Raises SelectionError."""
    rules = tuple(all_rules() if catalogue is None else catalogue)
    ids = [r.id for r in rules]
    select = check_selectors("select", settings.select, rules)
    extend = check_selectors("extend-select", settings.extend_select, rules)
    ignore = check_selectors("ignore", settings.ignore, rules)

    chosen = []
    for rule in rules:
        if select:
            on = max((_specificity(s, rule.id) for s in select), default=-1)
        else:
            on = 0 if rule.enabled_by_default else -1
        on = max([on] + [_specificity(s, rule.id) for s in extend])
        off = max((_specificity(s, rule.id) for s in ignore), default=-1)
        if on >= 0 and on > off:
            chosen.append(rule)
    # APX000/APX002 are on whatever `select` says, unless an ignore names them more
    # specifically than any select (`ignore = ["APX0"]` turns both off).
    reported_meta = frozenset(meta for meta in ALWAYS_SHOWN
                              if _meta_reported(meta, select + extend, ignore))
    # APX001 is opt-in: selecting it (or ALL) turns unused-suppression reports on.
    report_unused = settings.report_unused_suppressions or any(
        r.id == UNUSED_SUPPRESSION_ID for r in chosen)
    chosen = [r for r in chosen if r.id not in ENGINE_MADE]

    overrides = {}
    known = set(ids)
    for rule_id, level in settings.severity.items():
        if rule_id.upper() not in known:
            raise SelectionError("severity", f"{rule_id!r} is not a rule id")
        overrides[rule_id.upper()] = _parse_level(f"severity.{rule_id}", level, Severity)

    per_file = []
    for glob, selectors in settings.per_file_ignores.items():
        pattern = compile_pattern(glob)
        if pattern is None:
            raise SelectionError("per-file-ignores", f"{glob!r} is not a usable pattern")
        per_file.append(PerFileIgnore(pattern, check_selectors(
            f"per-file-ignores.{glob}", selectors, rules)))

    return RuleSelection(
        rules=tuple(chosen),
        severity_overrides=overrides,
        per_file_ignores=tuple(per_file),
        min_severity=_parse_level("min-severity", settings.min_severity, Severity),
        min_confidence=_parse_level("min-confidence", settings.min_confidence, Confidence),
        report_unused_suppressions=report_unused,
        reported_meta=reported_meta,
    )
