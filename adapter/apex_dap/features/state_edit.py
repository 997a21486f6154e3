"""Live state editing: setVariable, setExpression, apexStateEdits, apexUndoStateEdit.

Every edit passes the ``state_edit`` gate, is performed by the engine's StateEditor on
the frame's own suspended thread (``target/frame_edit.py``), goes to the audit log with
old and new reprs, and is announced (``apexStateEdit``, ``invalidated``).
"""
from __future__ import annotations

from typing import Any

from .. import extensions
from ..engine.state_edits import EditFailed
from ..engine.variable_index import Target
from ..protocol import messages as m
from ..protocol.server import RequestError


@extensions.request("setVariable")
async def set_variable(session, request) -> dict[str, Any]:
    args = m.parse(request.arguments, m.SetVariableArguments)
    session.gate("state_edit", "setVariable")
    try:
        target = session.variables.resolve(args.variables_reference, args.name)
    except LookupError as exc:
        raise RequestError(f"setVariable: {exc}") from None
    return await _edit(session, target, args.value)


@extensions.request("setExpression")
async def set_expression(session, request) -> dict[str, Any]:
    args = m.parse(request.arguments, m.SetExpressionArguments)
    session.gate("state_edit", "setExpression")
    if args.frame_id is None:
        raise RequestError("setExpression needs a frameId (pause the program first)")
    return await _edit(session, Target(args.frame_id, "expression", expression=args.expression),
                       args.value)


async def _edit(session, target: Target, value: str) -> dict[str, Any]:
    try:
        record = await session.editor.edit(target.frame_id, target.kind, name=target.name,
                                           expression=target.expression, value=value)
    except EditFailed as exc:
        raise RequestError(f"cannot set {target.expression or target.name}: {exc}") from None
    record.thread_id = session.variables.thread_of(target.frame_id)
    if session.audit is not None:
        session.audit.record("state_edit", target=record.target, edit=record.id,
                             old=record.old, new=record.new, session=session.program_name)
    session.invalidate_variables()
    session.send_event("apexStateEdit", record.to_wire())
    return {"value": record.new, "type": record.type, "variablesReference": 0}


@extensions.request("apexStateEdits")
async def list_edits(session, request) -> dict[str, Any]:
    return {"edits": [e.to_wire() for e in session.editor.edits]}


@extensions.request("apexUndoStateEdit")
async def undo(session, request) -> dict[str, Any]:
    args = m.parse(request.arguments, m.UndoStateEditArguments)
    session.gate("state_edit", "apexUndoStateEdit")
    try:
        record = session.editor.find_undo_target(args.id)
    except EditFailed as exc:
        raise RequestError(str(exc)) from None
    frame_id = await session.suspended_frame(record.thread_id)
    try:
        reply = await session.editor.undo(record, frame_id)
    except EditFailed as exc:
        raise RequestError(f"cannot undo edit {record.id}: {exc}") from None
    if session.audit is not None:
        session.audit.record("state_edit", target=record.target, undo=record.id,
                             old=reply["old"], new=reply["new"], session=session.program_name)
    session.invalidate_variables()
    return {"edit": record.to_wire(), "value": reply["new"]}
