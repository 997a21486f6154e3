"""The common shape of the taint rules (APX800-APX849)."""
from __future__ import annotations

from typing import ClassVar

from ..model import Confidence, Severity
from ..rule import Rule
from .kinds import KINDS
from .tables import SINKS
from .taint_pass import taint_pass_for


class TaintRule(Rule):
    """A rule reported by the taint pass, not by node dispatch.

    ``calls`` declares the kind's qualified sink calls (so the catalogue shows
    what the rule looks at; the dispatched ``check_call`` does nothing), and
    ``method_sinks`` the method names; the findings come from ``file_pass``,
    which the Analyzer adds once whenever any taint rule is selected.
    """

    kind: ClassVar[str]
    method_sinks: ClassVar[frozenset[str]] = frozenset()
    category = "taint"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    file_pass = staticmethod(taint_pass_for)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        kind = KINDS[cls.kind]
        cls.id = kind.rule_id
        names = [name for name, sink in SINKS.items() if sink.kind == cls.kind]
        # Only qualified names: method sinks (`.execute`, `.get` on sessions) are matched by
        # the pass itself, and dispatching every `.get()` call to a no-op would cost time.
        cls.calls = frozenset(n for n in names if not n.startswith("."))
        cls.method_sinks = frozenset(n[1:] for n in names if n.startswith("."))
        if not cls.calls:  # a kind with method sinks only (LDAP) still declares them
            cls.methods = cls.method_sinks
