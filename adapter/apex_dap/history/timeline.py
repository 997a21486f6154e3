"""``apexTimeline``: a coarse view of the history for an editor (calls, exceptions,
breakpoint hits, and the marks the adapter saw: state edits, hot reloads, live stops)."""
from __future__ import annotations

from bisect import bisect_left
from typing import Any, Callable

from apex_harness.recorder import events as ev

from .model import History, as_node

KINDS = ("call", "exception", "breakpoint", "stateEdit", "hotReload")


def build(history: History, breakpoints: dict[str, set[int]], marks: list[dict[str, Any]], *,
          kinds: list[str] | None, max_items: int,
          thread_id: Callable[[int], int]) -> dict[str, Any]:
    wanted = set(kinds or KINDS)
    items: list[dict[str, Any]] = []
    first = history.first
    if "call" in wanted or "exception" in wanted:
        for i, event in enumerate(history.events):
            kind = event & 15
            if kind == ev.CALL and "call" in wanted:
                items.append(_item(history, first + i, "call", thread_id))
            elif kind == ev.RAISE and "exception" in wanted:
                item = _item(history, first + i, "exception", thread_id)
                node = history.frame_at(first + i).vars.get(ev.EXCEPTION_KEY)
                if node:
                    j = bisect_left(node[0], first + i)
                    if j < len(node[0]):
                        item["text"] = as_node(node[1][j])[1]
                items.append(item)
    if "breakpoint" in wanted:
        for steps in history.breakpoint_steps(breakpoints):
            for step in steps:
                items.append(_item(history, step, "breakpoint", thread_id))
    for mark in marks:
        if mark.get("kind") in wanted and history.first <= mark.get("step", -1) < history.end:
            items.append({"step": mark["step"], "kind": mark["kind"], "text": mark.get("text", "")})
    items.sort(key=lambda item: item["step"])
    truncated = len(items) > max_items
    if truncated:  # keep the most recent: they are nearest the present
        items = items[-max_items:]
    return {"earliestStep": history.first, "latestStep": history.end - 1,
            "droppedOlder": history.dropped, "items": items, "truncated": truncated}


def _item(history: History, step: int, kind: str, thread_id: Callable[[int], int]) -> dict[str, Any]:
    frame = history.frame_at(step)
    filename, name, first_line, qualname = history.code(frame.cidx)
    if history.is_line(step):
        line = history.line_at(step)
    else:
        at = history._line_in(frame, step)
        line = history.line_at(at) if at is not None else first_line
    return {"step": step, "kind": kind, "threadId": thread_id(frame.slot), "name": qualname,
            "source": {"path": filename}, "line": line}
