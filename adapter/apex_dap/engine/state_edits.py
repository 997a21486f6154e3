"""Live state edits: performed in the target by ``target/frame_edit.py``, journaled here."""
from __future__ import annotations

import ast
import json
import os
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Awaitable, Callable

_HELPER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "target", "frame_edit.py")
_MODULE = "_apex_frame_edit"


class EditFailed(Exception):
    pass


@dataclass
class StateEdit:
    id: int
    target: str
    kind: str
    old: str
    new: str
    frame_id: int | None
    expression: str
    time: float = field(default_factory=time.time)
    undone: bool = False
    type: str | None = None
    #: The thread that owned the frame: undo runs there while it is paused.
    thread_id: int | None = None

    def to_wire(self) -> dict[str, Any]:
        d = asdict(self)
        d["frameId"] = d.pop("frame_id")
        d["threadId"] = d.pop("thread_id")
        return d


def install_expression() -> str:
    # Loaded by the import system from its own file (not exec'd from a string), so its
    # frames are the debugger's: the runtime guard exempts the debugger's own compile of
    # an edit's value (frame_edit._eval) but polices what that value's code then does.
    return ("(lambda util, sys: (lambda spec: (lambda module: (sys.modules.__setitem__(%r, "
            "module), spec.loader.exec_module(module)))(util.module_from_spec(spec)))("
            "util.spec_from_file_location(%r, %r)))(__import__('importlib.util').util, "
            "__import__('sys')) and None" % (_MODULE, _MODULE, _HELPER))


def call_expression(function: str, argument: Any) -> str:
    return "__import__('sys').modules[%r].%s(%r)" % (_MODULE, function, argument)


Evaluate = Callable[[str, int], Awaitable[dict[str, Any]]]


class StateEditor:
    """Runs edits through debugpy's ``evaluate`` on the frame's own (suspended) thread."""

    def __init__(self, evaluate: Evaluate):
        self._evaluate = evaluate
        self._installed = False
        self.edits: list[StateEdit] = []

    async def _call(self, frame_id: int, function: str, argument: Any) -> dict[str, Any]:
        if not self._installed:
            await self._checked(frame_id, install_expression())
            self._installed = True
        result = await self._checked(frame_id, call_expression(function, argument))
        try:
            reply = json.loads(ast.literal_eval(result))
        except (ValueError, SyntaxError) as exc:
            raise EditFailed(f"unexpected answer from the target: {result[:200]}") from exc
        if not reply.get("ok"):
            raise EditFailed(reply.get("error", "the edit failed"))
        return reply

    async def _checked(self, frame_id: int, expression: str) -> str:
        response = await self._evaluate(expression, frame_id)
        if not response.get("success"):
            raise EditFailed(response.get("message") or "the debugger refused the edit")
        return response.get("body", {}).get("result", "")

    async def edit(self, frame_id: int, kind: str, *, name: str | None = None,
                   expression: str | None = None, value: str) -> StateEdit:
        edit_id = len(self.edits) + 1
        reply = await self._call(frame_id, "edit", json.dumps({
            "frameId": frame_id, "kind": kind, "name": name, "expression": expression,
            "value": value, "id": edit_id}))
        record = StateEdit(id=edit_id, target=reply["target"], kind=reply["kind"],
                           old=reply["old"], new=reply["new"], frame_id=frame_id,
                           expression=expression or name or "", type=reply.get("type"))
        self.edits.append(record)
        return record

    def find_undo_target(self, edit_id: int | None) -> StateEdit:
        candidates = [e for e in self.edits if not e.undone]
        if edit_id is not None:
            matching = [e for e in self.edits if e.id == edit_id]
            if not matching:
                raise EditFailed(f"there is no edit {edit_id} in this session")
            if matching[0].undone:
                raise EditFailed(f"edit {edit_id} was already undone")
            return matching[0]
        if not candidates:
            raise EditFailed("there is no edit to undo in this session")
        return candidates[-1]

    async def undo(self, record: StateEdit, frame_id: int) -> dict[str, Any]:
        reply = await self._call(frame_id, "undo", record.id)
        record.undone = True
        return reply
