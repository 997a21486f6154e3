"""``apexTarget`` and ``apexPolicy``: what runs the program, and under which policy."""
from __future__ import annotations

import os
from typing import Any

from .. import extensions
from ..engine.policy_gate import SessionPolicy
from ..protocol.server import RequestError


@extensions.request("apexTarget")
async def target(session, request) -> dict[str, Any]:
    """The program's pid and the harness beside debugpy (answered while paused)."""
    body: dict[str, Any] = {"kind": session.kind, "program": session.program_name,
                            "pid": session.target.pid if session.target else None,
                            "harness": None}
    if session.harness is not None:
        body["harness"] = await extensions.harness_request(session, "info", timeout=5)
    return body


@extensions.request("apexPolicy")
async def policy(session, request) -> dict[str, Any]:
    """The session's effective policy (before launch/attach: the working directory's)."""
    if session.policy is None:
        try:
            return SessionPolicy(os.getcwd()).describe()
        except Exception as exc:
            raise RequestError(f"cannot load the policy: {exc}") from None
    return session.policy.describe()
