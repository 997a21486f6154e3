"""Switching modes at run time, with validation and an audit record for every attempt.

Moving to a stricter mode (development -> hybrid -> isolation) while a debug
session holds state the stricter mode would not have allowed (pending state
edits, hot-reloaded code) is refused with the reason, unless ``force=True``:
the program in memory no longer matches its source, and the stricter mode's
guarantees would be a lie.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, List, Optional, Sequence

from .audit import AuditLog
from .capabilities import MODE_RANK, MODES
from .model import Settings

#: Rebuilds the settings for another mode (e.g. ``lambda m: load_settings(root, mode=m).settings``).
SettingsFactory = Callable[[str], Settings]


@dataclass(frozen=True)
class SwitchResult:
    switched: bool
    old_mode: str
    new_mode: str
    reason: str
    forced: bool = False


class ModeController:
    """Holds the active settings and switches the mode on request."""

    def __init__(self, settings: Settings, *, audit: Optional[AuditLog] = None,
                 factory: Optional[SettingsFactory] = None, actor: Optional[str] = None) -> None:
        self._settings = settings
        self._audit = audit
        self._factory = factory
        self._actor = actor

    @classmethod
    def for_project(cls, start_path: str, *, mode: Optional[str] = None,
                    editor: Optional[dict] = None, actor: Optional[str] = None
                    ) -> "ModeController":
        """A controller for the project governing ``start_path``, auditing to the
        policy's audit log (``audit.path``) unless ``audit.enabled`` is false."""
        from .loader import load_settings
        from .model import audit_path
        settings = load_settings(start_path, mode=mode, editor=editor).settings
        policy = settings.policy
        audit = None
        if policy.audit.enabled:
            audit = AuditLog(audit_path(policy.root, policy.audit.path),
                             actor=actor or policy.audit.actor or None)

        def factory(new_mode: str) -> Settings:
            return load_settings(start_path, mode=new_mode, editor=editor).settings
        return cls(settings, audit=audit, factory=factory, actor=actor)

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def mode(self) -> str:
        return self._settings.mode

    def switch(self, new_mode: str, *, unsafe_state: Sequence[str] = (),
               force: bool = False, actor: Optional[str] = None) -> SwitchResult:
        """Switch to ``new_mode``; see the module docstring for when it is refused."""
        old = self.mode
        unsafe: List[str] = [str(s) for s in unsafe_state]
        if new_mode not in MODES:
            result = SwitchResult(False, old, new_mode, f"unknown mode {new_mode!r}; expected "
                                                        f"one of {'/'.join(MODES)}")
        elif new_mode == old:
            result = SwitchResult(True, old, new_mode, f"already in {old} mode")
        elif MODE_RANK[new_mode] > MODE_RANK[old] and unsafe and not force:
            result = SwitchResult(False, old, new_mode, (
                f"cannot switch from {old} to {new_mode} mode while the session holds unsafe "
                f"state: {'; '.join(unsafe)}. Restart the program (or undo the changes) "
                f"first, or switch with force"))
        else:
            forced = bool(force and unsafe and MODE_RANK[new_mode] > MODE_RANK[old])
            self._settings = self._rebuild(new_mode)
            reason = f"switched from {old} to {new_mode} mode"
            if forced:
                reason += f" (forced, with unsafe state: {'; '.join(unsafe)})"
            result = SwitchResult(True, old, new_mode, reason, forced)
        self._record(result, unsafe, actor)
        return result

    def _rebuild(self, mode: str) -> Settings:
        if self._factory is not None:
            return self._factory(mode)
        from .loader import load_settings
        policy = self._settings.policy
        fresh = load_settings(policy.root, mode=mode).settings
        return replace(fresh, analysis=self._settings.analysis)

    def _record(self, result: SwitchResult, unsafe: List[str], actor: Optional[str]) -> None:
        if self._audit is None:
            return
        outcome = "forced" if result.forced else ("allowed" if result.switched else "refused")
        self._audit.append("mode_switch", outcome=outcome, target=result.new_mode,
                           mode=result.old_mode, actor=actor or self._actor,
                           details={"from": result.old_mode, "to": result.new_mode,
                                    "reason": result.reason, "unsafe_state": unsafe})
