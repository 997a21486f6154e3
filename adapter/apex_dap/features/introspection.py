"""``apexTarget`` and ``apexPolicy``: what runs the program, and under which policy."""
from __future__ import annotations

import os
from typing import Any

from .. import extensions
from ..engine.policy_gate import SessionPolicy
from ..protocol.server import RequestError


@extensions.request("apexTarget")
async def target(session, request) -> dict[str, Any]:
    """The program's pid, the harness beside debugpy and the runtime guard the program
    runs under (the harness's ``guard.status``: a launch's, or whatever its starter installed before an
    attach; attaching installs none). Answered while paused."""
    body: dict[str, Any] = {"kind": session.kind, "program": session.program_name,
                            "pid": session.target.pid if session.target else None,
                            "harness": None, "guard": None}
    if session.harness is not None:
        body["harness"] = await extensions.harness_request(session, "info", timeout=5)
        body["guard"] = body["harness"].get("guard")
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
