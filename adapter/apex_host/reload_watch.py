"""``apex run --reload``: the harness in the program watches the workspace itself.

Development-mode convenience (like ``python -m jurigged``): the harness polls the
mtimes of the workspace modules the program imported and patches changed ones in
place (``apex_harness/reload``). Gated by the policy's ``hot_reload`` operation; each
reload the harness announces is written to the audit log with its diff summary.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

#: Seconds between mtime polls in the program.
POLL_INTERVAL = 0.5


def roots_for(argv: list[str], module: str | None, cwd: str) -> list[str]:
    roots = [cwd]
    if argv and not module:
        roots.append(os.path.dirname(os.path.abspath(os.path.join(cwd, argv[0]))))
    return sorted(set(roots))


def refusal(policy) -> str | None:
    """Why the policy does not allow hot reload, or None."""
    decision = policy.gate("hot_reload")
    if decision.allowed:
        return None
    hint = f"; {decision.permission_hint}" if decision.permission_hint else ""
    return f"{decision.reason}{hint}"


def tap(on_event: Callable[[dict], Any], audit_path: str | None, mode: str):
    """Wrap the runner's event handler: ``reload`` events also go to the audit log."""
    log = None
    if audit_path:
        from apex_policy.audit import AuditLog
        log = AuditLog(audit_path, mode=mode)

    def handle(event: dict) -> None:
        if event.get("event") == "reload" and log is not None:
            body = event.get("body") or {}
            try:
                log.append("hot_reload", target=body.get("modules"),
                           outcome="allowed" if body.get("applied") else "failed",
                           details={"component": "apex run --reload",
                                    "summary": body.get("summary"),
                                    "diff": {k: [e.get("name") for e in body.get(k) or []]
                                             for k in ("patched", "added", "removed",
                                                       "refused", "kept")},
                                    "errors": body.get("errors")})
            except OSError:
                pass
        on_event(event)

    return handle


def start(handle, roots: list[str], log) -> None:
    """Ask the harness to watch ``roots``; failures are reported, the run goes on."""
    try:
        handle.client.request("reload.watch", {"roots": roots, "interval": POLL_INTERVAL},
                              timeout=10)
    except Exception as exc:
        print(f"apex run: --reload could not start: {exc}", file=log)
        return
    print(f"apex run: hot reload on: changed modules under {', '.join(roots)} are "
          f"patched in place", file=log)
