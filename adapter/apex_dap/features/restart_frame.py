"""``restartFrame``: run a paused frame's function again, from its first line.

Gated by ``restart_frame`` and audited. The frame is unwound to its caller and its
function called again with the same argument objects (held by the harness's restart
trampoline since the call), so after ``apexHotReload`` the new code runs. A frame this
cannot restart (entered before the trampoline existed, a generator...) falls back, in a
``record: true`` session, to the time-travel restart, which re-enters the frame with
the recorded arguments (``apex_dap/history/restart.py``). How, and what is and is not unwound: ``apex_harness/reload/restart.py``
and docs/hot-reload.md.

The arming runs on the frame's own suspended thread (through debugpy's evaluate, like
state edits); then a ``stepIn`` resumes the thread, the frame unwinds, and the thread
stops at the first line of the new call.
"""
from __future__ import annotations

import ast
import json
from typing import Any

from .. import extensions
from ..protocol.server import RequestError
from . import hot_reload

_ARM = ("__import__('apex_harness.reload.restart', fromlist=['arm_dap_frame'])"
        ".arm_dap_frame(%d)")


@extensions.request("restartFrame")
async def restart_frame(session, request) -> dict[str, Any]:
    arguments = request.arguments or {}
    frame_id = arguments.get("frameId")
    if not isinstance(frame_id, int):
        raise RequestError("restartFrame needs a frameId")
    session.gate("restart_frame", "restartFrame", path=session.variables.path_of(frame_id))
    st = hot_reload.state(session)
    if not st.restart:
        raise RequestError(f"restartFrame is not available in this session: "
                           f"{st.restart_reason}")
    thread_id = session.variables.thread_of(frame_id)
    response = await session._evaluate_internal(_ARM % frame_id, frame_id)
    if not response.get("success"):
        raise RequestError(f"cannot restart the frame: {response.get('message')}")
    try:
        reply = json.loads(ast.literal_eval(response.get("body", {}).get("result", "")))
    except (ValueError, SyntaxError):
        raise RequestError("cannot restart the frame: unexpected answer from the program") \
            from None
    if not reply.get("ok"):
        if getattr(session, "recording", None) is not None:
            from ..history.restart import restart_frame as restart_from_recording
            return await restart_from_recording(session, request)
        if session.audit is not None:
            session.audit.record("restart_frame", outcome="refused", target=frame_id,
                                 session=session.program_name, reason=reply.get("error"))
        raise RequestError(reply.get("error") or "the frame cannot be restarted")
    if session.audit is not None:
        session.audit.record("restart_frame", target=reply.get("restarting"),
                             session=session.program_name, line=reply.get("line"))
    if thread_id is None:
        body = await session._debugpy("threads")
        thread_id = next((t["id"] for t in body.get("threads", [])), None)
    # Resume that thread only until the new call's first line.
    await session._debugpy("stepIn", {"threadId": thread_id})
    return {}
