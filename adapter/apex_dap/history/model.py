"""The history model: events and values from the recorder, indexed for navigation.

Built incrementally from ``recorder.fetch`` pages (or a saved recording). A *position* is
the step index of a LINE event: "about to run this line". A value captured at step ``k``
is the state at the start of step ``k``, so the value of a variable at step ``s`` is its
latest capture with a step ``<= s``.
"""
from __future__ import annotations

import base64
from array import array
from bisect import bisect_left, bisect_right
from typing import Any, Iterable

from apex_harness.recorder import events as ev


class Frame:
    """One activation of a code object on one thread (a generator resume is a new one)."""

    __slots__ = ("serial", "slot", "cidx", "parent", "start", "end", "kind", "lines", "vars",
                 "ended_by")

    def __init__(self, serial: int, slot: int, cidx: int, parent: "Frame | None", start: int,
                 kind: int) -> None:
        self.serial = serial
        self.slot = slot
        self.cidx = cidx
        self.parent = parent
        self.start = start
        self.end = -1          # step of RETURN/YIELD/UNWIND, -1 while open
        self.ended_by = -1
        self.kind = kind
        self.lines = array("q")  # LINE steps of this frame
        self.vars: dict[str, tuple[list[int], list[Any]]] = {}


class History:
    def __init__(self) -> None:
        self.first = 0
        self.end = 0
        self.events = array("q")
        self.frame_of = array("i")
        self.frames: list[Frame] = []
        self.codes: list[tuple[str, str, int, str]] = []
        self.threads: dict[int, tuple[int, str]] = {}
        self.open: dict[int, list[Frame]] = {}
        self.line_steps: dict[int, array] = {}
        self.line_index: dict[tuple[int, int], array] = {}
        self.raises: dict[int, array] = {}
        self.globals: dict[tuple[str, str], tuple[list[int], list[Any]]] = {}
        self.values: list[list[Any]] = []      # every value row, for saving
        self.start_stacks: dict[int, list[int]] = {}
        self.dropped = False                   # the recorder dropped older history

    # ------------------------------------------------------------------ building
    def reset(self, first: int, stacks: dict[int, list[int]]) -> None:
        codes, threads = self.codes, self.threads
        self.__init__()
        self.codes, self.threads = codes, threads
        self.first = self.end = first
        self.start_stacks = {int(k): list(v) for k, v in stacks.items()}
        for slot, cidxs in self.start_stacks.items():
            for cidx in cidxs:
                self._push(slot, cidx, first, ev.ENTER)

    def add_page(self, page: dict[str, Any]) -> None:
        """Merge one ``recorder.fetch`` answer (events must continue where we are)."""
        codes_from = page.get("codesFrom", 0)
        rows = page.get("codes") or []
        if codes_from <= len(self.codes):
            self.codes[codes_from:] = [tuple(r) for r in rows]
        for slot, ident, name in page.get("threads") or []:
            self.threads[int(slot)] = (ident, name or f"thread {slot}")
        start = page["start"]
        if page.get("gap") or (start != self.end and not self.events):
            dropped = self.dropped or bool(page.get("gap"))
            self.reset(start, page.get("stacks") or {})
            self.dropped = dropped
        if start != self.end:
            raise ValueError(f"history page starts at {start}, expected {self.end}")
        data = base64.b64decode(page["events"]) if isinstance(page["events"], str) else page["events"]
        chunk = array("q")
        chunk.frombytes(data)
        self.add_events(chunk)
        if "valueSteps" in page:  # columns (recorder.fetch)
            steps = array("q")
            steps.frombytes(base64.b64decode(page["valueSteps"]))
            table = page.get("keyTable") or []
            self.add_values(list(map(list, zip(steps, (table[k] for k in page["valueKeys"]),
                                                page["values"]))))
        else:
            self.add_values(page.get("values") or [])

    def add_events(self, chunk: Iterable[int]) -> None:
        step = self.end
        frame_of = self.frame_of
        events = self.events
        for event in chunk:
            kind = event & 15
            slot = (event >> 4) & 255
            cidx = (event >> 12) & 0xFFFFF
            stack = self.open.get(slot)
            top = stack[-1] if stack else None
            if kind == ev.LINE:
                if top is None or top.cidx != cidx:
                    top = self._resync(slot, cidx, step)
                top.lines.append(step)
                line = event >> 32
                steps = self.line_steps.get(slot)
                if steps is None:
                    steps = self.line_steps[slot] = array("q")
                steps.append(step)
                key = (cidx, line)
                where = self.line_index.get(key)
                if where is None:
                    where = self.line_index[key] = array("q")
                where.append(step)
                frame_of.append(top.serial)
            elif kind in ev.PUSHES:
                frame = self._push(slot, cidx, step, kind)
                frame_of.append(frame.serial)
            elif kind in ev.POPS:
                if top is None or top.cidx != cidx:
                    top = self._resync(slot, cidx, step)
                stack = self.open[slot]
                stack.pop()
                top.end = step
                top.ended_by = kind
                frame_of.append(top.serial)
            else:  # RAISE / HANDLED
                if top is None or top.cidx != cidx:
                    top = self._resync(slot, cidx, step)
                if kind == ev.RAISE:
                    raises = self.raises.get(slot)
                    if raises is None:
                        raises = self.raises[slot] = array("q")
                    raises.append(step)
                frame_of.append(top.serial)
            events.append(event)
            step += 1
        self.end = step

    def _push(self, slot: int, cidx: int, step: int, kind: int) -> Frame:
        stack = self.open.setdefault(slot, [])
        frame = Frame(len(self.frames), slot, cidx, stack[-1] if stack else None, step, kind)
        self.frames.append(frame)
        stack.append(frame)
        return frame

    def _resync(self, slot: int, cidx: int, step: int) -> Frame:
        """The recorder resynchronised (a frame it had not seen start): follow it."""
        stack = self.open.setdefault(slot, [])
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].cidx == cidx:
                while len(stack) > i + 1:
                    gone = stack.pop()
                    gone.end = step
                    gone.ended_by = ev.UNWIND
                return stack[i]
        return self._push(slot, cidx, step, ev.ENTER)

    def add_values(self, rows: list[list[Any]]) -> None:
        first, frames, frame_of = self.first, self.frames, self.frame_of
        for row in rows:
            step, key, value = row
            index = step - first
            if index < 0 or index >= len(frame_of):
                continue
            self.values.append(row)
            frame = frames[frame_of[index]]
            if key.startswith(ev.GLOBAL_PREFIX):
                series = self.globals.setdefault((self.codes[frame.cidx][0], key[2:]), ([], []))
            else:
                series = frame.vars.setdefault(key, ([], []))
            series[0].append(step)
            series[1].append(value)

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return self.end - self.first

    def event(self, step: int) -> tuple[int, int, int, int]:
        return ev.unpack(self.events[step - self.first])

    def frame_at(self, step: int) -> Frame:
        return self.frames[self.frame_of[step - self.first]]

    def line_at(self, step: int) -> int:
        return self.events[step - self.first] >> 32

    def slot_at(self, step: int) -> int:
        return (self.events[step - self.first] >> 4) & 255

    def code(self, cidx: int) -> tuple[str, str, int, str]:
        return self.codes[cidx]

    def is_line(self, step: int) -> bool:
        return self.first <= step < self.end and self.events[step - self.first] & 15 == ev.LINE

    def thread_position(self, slot: int, step: int) -> int | None:
        """The thread's latest LINE step at or before ``step``."""
        steps = self.line_steps.get(slot)
        if not steps:
            return None
        i = bisect_right(steps, step)
        return steps[i - 1] if i else None

    def last_line(self, slot: int) -> int | None:
        steps = self.line_steps.get(slot)
        return steps[-1] if steps else None

    def first_line(self, slot: int) -> int | None:
        steps = self.line_steps.get(slot)
        return steps[0] if steps else None

    @staticmethod
    def _line_in(frame: Frame, step: int) -> int | None:
        i = bisect_right(frame.lines, step)
        return frame.lines[i - 1] if i else None

    def stack(self, slot: int, step: int) -> list[tuple[Frame, int | None]]:
        """(frame, its LINE step) innermost first, as the thread was at ``step``."""
        position = self.thread_position(slot, step)
        if position is None:
            return []
        frame = self.frame_at(position)
        out: list[tuple[Frame, int | None]] = [(frame, position)]
        parent = frame.parent
        while parent is not None:
            out.append((parent, self._line_in(parent, position)))
            parent = parent.parent
        return out

    # ------------------------------------------------------------------ values
    @staticmethod
    def _latest(series: tuple[list[int], list[Any]], step: int) -> Any:
        i = bisect_right(series[0], step)
        return series[1][i - 1] if i else None

    def locals_at(self, frame: Frame, step: int) -> dict[str, Any]:
        out = {}
        for key, series in frame.vars.items():
            i = bisect_right(series[0], step)
            if i and not _unbound(series[1][i - 1]):
                out[key] = as_node(series[1][i - 1])
        if self.codes[frame.cidx][1] == "<module>":
            out.update(self.globals_at(frame, step))
        return out

    def globals_at(self, frame: Frame, step: int) -> dict[str, Any]:
        filename = self.codes[frame.cidx][0]
        out = {}
        for (file, name), series in self.globals.items():
            if file == filename:
                i = bisect_right(series[0], step)
                if i and not _unbound(series[1][i - 1]):
                    out[name] = as_node(series[1][i - 1])
        return out

    # ------------------------------------------------------------------ navigation
    def step_back(self, step: int) -> int | None:
        """Previous line in the same frame, else the caller's line (the call site)."""
        frame = self.frame_at(step)
        i = bisect_left(frame.lines, step)
        if i > 0:
            return frame.lines[i - 1]
        parent = frame.parent
        while parent is not None:
            line = self._line_in(parent, step)
            if line is not None:
                return line
            parent = parent.parent
        return None

    def step_over(self, step: int) -> int | None:
        """Next line in the same frame; after the frame ends, the caller's next line."""
        frame = self.frame_at(step)
        after = step
        while frame is not None:
            i = bisect_right(frame.lines, after)
            if i < len(frame.lines):
                return frame.lines[i]
            if frame.end < 0:
                return None
            after = frame.end
            frame = frame.parent
        return None

    def step_in(self, step: int) -> int | None:
        slot = self.slot_at(step)
        steps = self.line_steps.get(slot) or array("q")
        i = bisect_right(steps, step)
        return steps[i] if i < len(steps) else None

    def step_out(self, step: int) -> int | None:
        frame = self.frame_at(step)
        if frame.end < 0 or frame.parent is None:
            return None
        return self.step_over_from_end(frame)

    def step_over_from_end(self, frame: Frame) -> int | None:
        after, parent = frame.end, frame.parent
        while parent is not None:
            i = bisect_right(parent.lines, after)
            if i < len(parent.lines):
                return parent.lines[i]
            if parent.end < 0:
                return None
            after, parent = parent.end, parent.parent
        return None

    def breakpoint_steps(self, breakpoints: dict[str, set[int]]) -> list[array]:
        found = []
        if not breakpoints:
            return found
        for cidx, row in enumerate(self.codes):
            lines = breakpoints.get(row[0])
            if lines:
                for line in lines:
                    steps = self.line_index.get((cidx, line))
                    if steps:
                        found.append(steps)
        return found

    def reverse_continue(self, slot: int, step: int,
                         breakpoints: dict[str, set[int]]) -> tuple[int, str]:
        """Most recent earlier breakpoint hit or exception on the thread, else the start."""
        best, reason = None, "entry"
        for steps in self.breakpoint_steps(breakpoints):
            i = bisect_left(steps, step) - 1
            while i >= 0 and self.slot_at(steps[i]) != slot:
                i -= 1
            if i >= 0 and (best is None or steps[i] > best):
                best, reason = steps[i], "breakpoint"
        raises = self.raises.get(slot)
        if raises:
            i = bisect_left(raises, step) - 1
            while i >= 0:
                line = self._line_in(self.frame_at(raises[i]), raises[i])
                if line is not None and line < step:
                    if best is None or line > best:
                        best, reason = line, "exception"
                    break
                i -= 1
        if best is None:
            best = self.first_line(slot)
            if best is None or best > step:
                best = step
        return best, reason

    def continue_forward(self, step: int, breakpoints: dict[str, set[int]]) -> int | None:
        """The next breakpoint hit on any thread after ``step``, or None (the present)."""
        best = None
        for steps in self.breakpoint_steps(breakpoints):
            i = bisect_right(steps, step)
            if i < len(steps) and (best is None or steps[i] < best):
                best = steps[i]
        return best

    def executions(self, filename: str, line: int) -> list[int]:
        out: list[int] = []
        for steps in self.breakpoint_steps({filename: {line}}):
            out.extend(steps)
        return sorted(out)

    def exception_at(self, step: int) -> Any:
        """The exception value raised in the frame at ``step`` (for a stop on it)."""
        frame = self.frame_at(step)
        series = frame.vars.get(ev.EXCEPTION_KEY)
        if not series:
            return None
        i = bisect_right(series[0], self.step_over(step) or self.end)
        return as_node(series[1][i - 1]) if i else None


def as_node(value: Any) -> list:
    """Values travel as JSON-native scalars when they can: make them nodes for display."""
    if type(value) is list:
        return value
    return [type(value).__name__, repr(value), None, 0]


def _unbound(value: Any) -> bool:
    return type(value) is list and len(value) == 4 and value[3] == 2 and value[1] == "<unbound>"
