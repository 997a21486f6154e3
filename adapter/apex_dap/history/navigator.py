"""Answers DAP inspection requests from the history at a cursor (no I/O, no asyncio).

Frame ids, variable references and goto target ids handed out here live in their own
ranges, far above debugpy's, so a request always tells which side it belongs to.
"""
from __future__ import annotations

import ast
import os
from typing import Any

from apex_harness.recorder import events as ev

from .model import Frame, History

FRAME_BASE = 1 << 30
REF_BASE = 1 << 30
GOTO_BASE = 1 << 32
TRUNCATED = 1


class PastRefused(Exception):
    """A request that cannot be answered from the past (message for the editor)."""


class Navigator:
    def __init__(self, history: History) -> None:
        self.history = history
        self.cursor: int | None = None
        self._frames: dict[int, tuple[Frame, int | None]] = {}
        self._refs: dict[int, tuple[str, Any]] = {}

    # ------------------------------------------------------------------ ids
    def reset_ids(self) -> None:
        self._frames.clear()
        self._refs.clear()

    def owns_frame(self, frame_id: Any) -> bool:
        return isinstance(frame_id, int) and frame_id in self._frames

    def owns_ref(self, ref: Any) -> bool:
        return isinstance(ref, int) and ref in self._refs

    def _ref(self, kind: str, payload: Any) -> int:
        ref = REF_BASE + len(self._refs) + 1
        self._refs[ref] = (kind, payload)
        return ref

    # ------------------------------------------------------------------ stack
    def stack_trace(self, slot: int, start: int = 0, levels: int = 0) -> dict[str, Any]:
        h = self.history
        assert self.cursor is not None
        stack = h.stack(slot, self.cursor)
        frames = []
        for frame, line_step in stack:
            filename, name, first_line, qualname = h.code(frame.cidx)
            frame_id = FRAME_BASE + frame.serial
            self._frames[frame_id] = (frame, line_step)
            frames.append({
                "id": frame_id, "name": qualname or name,
                "line": h.line_at(line_step) if line_step is not None else first_line,
                "column": 1,
                "source": {"name": os.path.basename(filename), "path": filename},
            })
        total = len(frames)
        frames = frames[start:start + levels] if levels else frames[start:]
        return {"stackFrames": frames, "totalFrames": total}

    def frame(self, frame_id: int) -> tuple[Frame, int | None]:
        found = self._frames.get(frame_id)
        if found is None:
            raise PastRefused("unknown frame (the position in history has changed)")
        return found

    def scopes(self, frame_id: int) -> dict[str, Any]:
        frame, _ = self.frame(frame_id)
        scopes = [{"name": "Locals", "variablesReference": self._ref("locals", frame_id),
                   "expensive": False, "presentationHint": "locals"}]
        if self.history.code(frame.cidx)[1] != "<module>":
            scopes.append({"name": "Globals", "variablesReference": self._ref("globals", frame_id),
                           "expensive": False})
        return {"scopes": scopes}

    def _values(self, kind: str, frame_id: int) -> dict[str, Any]:
        frame, _ = self.frame(frame_id)
        h = self.history
        step = self.cursor
        if kind == "locals":
            return h.locals_at(frame, step)
        return h.globals_at(frame, step)

    def variables(self, ref: int) -> dict[str, Any]:
        kind, payload = self._refs[ref]
        out = []
        if kind in ("locals", "globals"):
            values = self._values(kind, payload)
            for name in sorted(values, key=_name_order):
                out.append(self._variable(name, values[name], name))
        else:
            node, path = payload
            for label, child in node[2] or []:
                out.append(self._variable(label, child, _child_path(path, node, label)))
            if node[3] & TRUNCATED and node[2] is not None:
                out.append({"name": "…", "value": "more items were not recorded",
                            "variablesReference": 0,
                            "presentationHint": {"attributes": ["readOnly"]}})
        return {"variables": out}

    def _variable(self, name: str, node: list, path: str | None) -> dict[str, Any]:
        var = {"name": name, "value": node[1], "type": node[0],
               "variablesReference": self._ref("node", (node, path)) if node[2] else 0,
               "presentationHint": {"attributes": ["readOnly"]}}
        if path:
            var["evaluateName"] = path
        if node[3] & TRUNCATED:
            var["presentationHint"]["attributes"].append("truncated")
        return var

    # ------------------------------------------------------------------ evaluate
    def evaluate(self, expression: str, frame_id: int | None) -> dict[str, Any]:
        """Read-only: names, attributes and constant subscripts of recorded values."""
        if frame_id is None or not self.owns_frame(frame_id):
            raise PastRefused("evaluate in the past needs a frame of the recorded stack")
        try:
            tree = ast.parse(expression.strip(), mode="eval").body
        except SyntaxError:
            raise PastRefused(f"cannot parse {expression!r}") from None
        node = self._resolve(tree, frame_id)
        result = {"result": node[1], "type": node[0],
                  "variablesReference": self._ref("node", (node, expression)) if node[2] else 0}
        return result

    def _resolve(self, tree: ast.AST, frame_id: int) -> list:
        if isinstance(tree, ast.Name):
            for kind in ("locals", "globals"):
                values = self._values(kind, frame_id)
                if tree.id in values:
                    return values[tree.id]
            raise PastRefused(f"{tree.id!r} has no recorded value at this step")
        if isinstance(tree, ast.Attribute):
            return self._child(self._resolve(tree.value, frame_id), tree.attr, tree.attr)
        if isinstance(tree, ast.Subscript):
            key = tree.slice.value if isinstance(tree.slice, ast.Index) else tree.slice  # 3.8
            if not isinstance(key, ast.Constant):
                raise PastRefused("only constant subscripts can be read from the recording")
            parent = self._resolve(tree.value, frame_id)
            value = key.value
            return self._child(parent, f"[{value}]" if isinstance(value, int) else repr(value),
                               repr(value))
        raise PastRefused("in the past only recorded values can be read (names, attributes, "
                          "constant subscripts); this expression could run code: return to "
                          "the present to evaluate it")

    @staticmethod
    def _child(node: list, *labels: str) -> list:
        for label, child in node[2] or []:
            if label in labels:
                return child
        raise PastRefused(f"{labels[-1]} was not recorded in {node[1]}")

    # ------------------------------------------------------------------ goto
    def goto_targets(self, filename: str, line: int, limit: int = 50) -> list[dict[str, Any]]:
        steps = self.history.executions(filename, line)
        if len(steps) > limit:
            steps = steps[-limit:]
        targets = []
        total = len(steps)
        for n, step in enumerate(steps, 1):
            frame = self.history.frame_at(step)
            name = self.history.code(frame.cidx)[3]
            targets.append({"id": GOTO_BASE + step, "line": line,
                            "label": f"step {step}: {name} line {line} ({n} of {total} "
                                     f"recorded runs)"})
        return targets

    def exception_info(self, step: int) -> dict[str, Any]:
        node = self.history.exception_at(step)
        if node is None:
            raise PastRefused("no exception was recorded at this step")
        return {"exceptionId": node[0], "description": node[1], "breakMode": "always"}


def _name_order(name: str) -> tuple[int, str]:
    return (1 if name.startswith("<") else 0, name)


def _child_path(path: str | None, node: list, label: str) -> str | None:
    if not path:
        return None
    if label.startswith("[") and label.endswith("]"):
        return f"{path}{label}"
    if node[0] == "dict":
        return f"{path}[{label}]"
    if label.isidentifier():
        return f"{path}.{label}"
    return None


def event_name(kind: int) -> str:
    return ev.NAMES[kind]
