"""What debugpy's references point at, learnt from the responses Apex forwards.

``setVariable`` names a variable by (variablesReference, name); to edit it Apex needs the
frame, whether the reference is a frame's Locals/Globals scope or a container, and the
child's ``evaluateName``. References are only valid while the program stays stopped, so
everything is forgotten on ``stopped``/``continued``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    frame_id: int
    #: "local" | "global" (a scope's variable, by name) | "expression" (a child)
    kind: str
    name: str | None = None
    expression: str | None = None


class VariableIndex:
    def __init__(self) -> None:
        # variablesReference -> (frameId, "locals" | "globals" | "container")
        self._refs: dict[int, tuple[int, str]] = {}
        self._child_names: dict[tuple[int, str], str] = {}
        self._frame_threads: dict[int, int] = {}
        self._frame_paths: dict[int, str] = {}

    def clear(self) -> None:
        self._refs.clear()
        self._child_names.clear()
        self._frame_threads.clear()
        self._frame_paths.clear()

    def saw_stack(self, thread_id: int | None, frames: list[dict[str, Any]]) -> None:
        for frame in frames:
            if thread_id is not None:
                self._frame_threads[frame.get("id")] = thread_id
            path = (frame.get("source") or {}).get("path")
            if isinstance(path, str):
                self._frame_paths[frame.get("id")] = path

    def saw_scopes(self, frame_id: int, scopes: list[dict[str, Any]]) -> None:
        for scope in scopes:
            kind = "globals" if scope.get("name") == "Globals" else "locals"
            self._refs[scope.get("variablesReference")] = (frame_id, kind)

    def saw_variables(self, parent: int, variables: list[dict[str, Any]]) -> None:
        frame_id = self._refs.get(parent, (None, ""))[0]
        for var in variables:
            if var.get("evaluateName"):
                self._child_names[(parent, var.get("name"))] = var["evaluateName"]
            ref = var.get("variablesReference") or 0
            if ref and frame_id is not None:
                self._refs[ref] = (frame_id, "container")

    def thread_of(self, frame_id: int) -> int | None:
        return self._frame_threads.get(frame_id)

    def path_of(self, frame_id: int) -> str | None:
        """The source file of a frame the client was shown."""
        return self._frame_paths.get(frame_id)

    def resolve(self, reference: int, name: str) -> Target:
        """The edit target of ``setVariable(reference, name)``; LookupError if unknown."""
        context = self._refs.get(reference)
        if context is None:
            raise LookupError("unknown variablesReference (the program has moved on since "
                              "the variables were read)")
        frame_id, kind = context
        if kind == "container":
            expression = self._child_names.get((reference, name))
            if not expression:
                raise LookupError(f"{name} cannot be edited (it has no expression)")
            return Target(frame_id, "expression", expression=expression)
        return Target(frame_id, "global" if kind == "globals" else "local", name=name)
