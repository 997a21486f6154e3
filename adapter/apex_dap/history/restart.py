"""``restartFrame`` in a recording session: re-enter the innermost frame with the
arguments it was called with, as recorded.

Live only and gated by the ``restart_frame`` policy operation. The arguments are put
back through the audited state editor (only values whose recorded form is an exact
literal: numbers, strings, and builtin containers of them that were not truncated), then
debugpy's ``goto`` moves execution to the frame's first recorded line. Locals other than
the arguments keep their values until the function assigns them again (CPython cannot
reset a running frame); arguments that cannot be restored are named in the response.
The hot-reload work may later restart frames by unwinding to the caller; it can replace
this module without touching the session.
"""
from __future__ import annotations

import ast
from typing import Any

from apex_harness.recorder import events as ev

from ..engine.variable_index import Target
from .model import as_node
from ..features.state_edit import _edit as edit_local  # the audited state editor
from ..protocol.server import Request, RequestError


def _literal(node: list) -> str | None:
    if node[3] & 1:
        return None
    try:
        ast.literal_eval(node[1])
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return node[1]


async def restart_frame(session, request: Request) -> Any:
    session._gate("restart_frame", "restartFrame")
    if session.replay is not None or session.in_past:
        raise RequestError("restartFrame works on the live program: step forward to the "
                           "present first")
    if session.recording is None:
        raise RequestError("restartFrame needs the recorded arguments: launch with "
                           "`\"record\": true`")
    frame_id = (request.arguments or {}).get("frameId")
    thread_id = session.variables.thread_of(frame_id)
    if thread_id is None:
        raise RequestError("restartFrame: unknown frame (request the stack trace again)")
    frames = (await session._debugpy("stackTrace", {"threadId": thread_id, "levels": 1})
              ).get("stackFrames") or []
    if not frames or frames[0].get("id") != frame_id:
        raise RequestError("restartFrame restarts the innermost frame only (CPython cannot "
                           "rewind a frame that has called another)")
    history, slot, present = await session._enter_history("restartFrame", thread_id)
    frame = history.frame_at(present)
    if frame.kind != ev.CALL or not frame.lines:
        raise RequestError("restartFrame: the start of this call is not in the recorded "
                           "history")
    arguments = {key: as_node(series[1][0]) for key, series in frame.vars.items()
                 if series[0] and series[0][0] == frame.start}
    restored, skipped = [], []
    for name, node in arguments.items():
        value = _literal(node)
        if value is None:
            skipped.append(name)
            continue
        await edit_local(session, Target(frame_id, "local", name=name), value)
        restored.append(name)
    source = frames[0].get("source") or {}
    first_line = history.line_at(frame.lines[0])
    targets = (await session._debugpy("gotoTargets", {"source": source, "line": first_line})
               ).get("targets") or []
    if not targets:
        raise RequestError(f"restartFrame: debugpy cannot jump to line {first_line}")
    if session.audit is not None:
        session.audit.record("restart_frame", target=frames[0].get("name"),
                             session=session._program_name, restored=restored, skipped=skipped)
    await session._debugpy("goto", {"threadId": thread_id, "targetId": targets[0]["id"]})
    return {"restoredArguments": restored, "notRestored": skipped}
