"""The session's effective policy, its gates, and the audit trail of debug mutations."""
from __future__ import annotations

import getpass
import logging
import os
from typing import Any

log = logging.getLogger("apex_dap.policy")


class PolicyRefused(Exception):
    """A gate said no; the message is the one the editor shows."""


class SessionPolicy:
    """Loads the policy once per session and answers gate questions.

    The ``mode`` of a launch/attach configuration may only make the policy stricter
    (isolation > hybrid > development): an editor setting must not loosen what the
    project's policy file demands, unless that file says it may
    (``debug.allow-mode-override = true``).
    """

    def __init__(self, start: str, requested_mode: str | None = None):
        import apex_policy
        from apex_policy.capabilities import MODE_RANK

        base = apex_policy.load_settings(start)
        file_mode = base.settings.policy.mode
        loaded = base
        if requested_mode and requested_mode != file_mode:
            looser = MODE_RANK[requested_mode] < MODE_RANK[file_mode]
            if looser and not base.settings.policy.debug_options.allow_mode_override:
                raise PolicyRefused(
                    f"mode {requested_mode!r} in the debug configuration is less strict than "
                    f"{file_mode!r} from the policy ({base.source}); a configuration can only "
                    f"make the mode stricter unless the policy sets "
                    f"debug.allow-mode-override = true")
            loaded = apex_policy.load_settings(start, mode=requested_mode)
        self.loaded = loaded
        self.policy = loaded.settings.policy
        self.requested_mode = requested_mode
        self.file_mode = file_mode
        #: The configuration asked for a looser mode than the file's, and the file allowed it.
        self.loosened = MODE_RANK[self.policy.mode] < MODE_RANK[file_mode]

    @property
    def mode(self) -> str:
        return self.policy.mode

    def check(self, operation: str, *, path: str | None = None, module: str | None = None,
              anywhere: bool = False) -> str:
        """Return the reason when allowed; raise PolicyRefused with the message when not
        (``anywhere``: allowed on some code, see ``Policy.gate``)."""
        decision = self.policy.gate(operation, path=path, module=module, anywhere=anywhere)
        if decision.allowed:
            return decision.reason
        message = decision.reason
        if decision.permission_hint:
            message = f"{message}; {decision.permission_hint}"
        raise PolicyRefused(message)

    def describe(self) -> dict[str, Any]:
        """The body of ``apexPolicy``."""
        from apex_policy.capabilities import DEBUG_OPERATIONS
        policy = self.policy
        return {
            "mode": policy.mode,
            "fileMode": self.file_mode,
            "requestedMode": self.requested_mode,
            "source": self.loaded.source,
            "path": self.loaded.path,
            "root": self.loaded.root,
            "debugOperations": {op: policy.gate(op).allowed for op in DEBUG_OPERATIONS},
            "debug": dict(policy.debug),
            "runtime": policy.to_runtime(),
            "errors": [str(e) for e in self.loaded.errors],
        }

    def audit_path(self, override: str | None) -> str | None:
        if override:
            return os.path.abspath(override)
        audit = self.policy.audit
        if not audit.enabled:
            return None
        from apex_policy.model import audit_path
        return audit_path(self.loaded.root, audit.path)


class AuditTrail:
    """Every debug mutation (and refusal) of the session, in apex_policy's hash-chained log."""

    def __init__(self, path: str | None, actor: str = "", mode: str | None = None):
        self.path = path
        self._log = None
        if path is not None:
            from apex_policy.audit import AuditLog
            self._log = AuditLog(path, actor=actor or None, mode=mode)

    def record(self, operation: str, *, outcome: str = "allowed", target: Any = None,
               **details: Any) -> None:
        if self._log is None:
            return
        try:
            self._log.append(operation, outcome=outcome, target=target,
                             details={"component": "apex_dap", **details})
        except Exception:  # the audit log must never take the session down
            log.exception("audit write failed")


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return str(os.getuid())
