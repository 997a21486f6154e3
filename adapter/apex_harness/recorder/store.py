"""The history store: a ring of chunks under a memory budget.

Events go into the current chunk's ``array('q')`` (8 bytes each, see events.py) and the
values captured at a step into its flat ``values`` list (``step, key, value`` triples).
When a chunk is full it is closed, its size estimated, and the oldest chunks are dropped
until the whole history fits the budget again; ``earliest`` is then the first step
still held. Each chunk remembers every thread's stack of code indices at its start, so
a history that starts mid-program still knows which frames were open.
"""
from __future__ import annotations

import random
import sys
import threading
from array import array

from . import events as ev
from .values import Shallow

CHUNK_EVENTS = 1 << 16
DEFAULT_BUDGET = 256 * 1024 * 1024


class Chunk:
    __slots__ = ("base", "events", "values", "stacks", "nbytes")

    def __init__(self, base: int, stacks: dict) -> None:
        self.base = base
        self.events = array("q")
        self.values = []
        self.stacks = stacks  # slot -> [code index, ...] outermost first
        self.nbytes = 0

    def estimate(self) -> int:
        """Bytes held by this chunk: events exactly, values by sampling."""
        values = self.values
        n = len(values) // 3
        size = self.events.buffer_info()[1] * 8 + sys.getsizeof(values)
        if n:
            picks = range(n) if n <= 256 else random.Random(n).sample(range(n), 256)
            sample = [_value_size(values[i * 3 + 2]) for i in picks]
            size += n * (sum(sample) // len(sample) + 32)  # + the step int and the slots
        return size


def _value_size(v) -> int:
    """Approximate bytes a captured value keeps alive (8-byte slots + private objects)."""
    t = type(v)
    if t is Shallow:  # its raw items are shared with the program: count the slots
        return 72 + sum(_nested_size(x) + 8 for x in v.items)
    if t is tuple:  # a raw tuple
        return 56 + sum(_nested_size(x) + 8 for x in v)
    if t is list:  # a node: its text dominates
        children = v[2]
        return 120 + len(v[1]) + (sum(_value_size(c[1]) + 72 for c in children) if children else 0)
    if t is str or t is bytes:
        return 49 + len(v)
    if t is float or t is int or t is complex:
        return 28
    return 0


def _nested_size(v) -> int:
    t = type(v)
    if t is tuple and len(v) == 2:  # a (key, value) pair of a Shallow dict
        return 56 + _nested_size(v[0]) + _nested_size(v[1])
    return _value_size(v) if t is Shallow or t is list else 0


class CodeTable:
    """Code objects seen, kept alive so ``id(code)`` is never reused while recorded."""

    def __init__(self) -> None:
        self.codes = []      # index -> code object
        self.rows = []       # index -> (filename, name, firstlineno, qualname)
        self.by_id = {}      # id(code) -> index (-1: not user code)

    def add(self, code, user: bool) -> int:
        if not user:
            self.by_id[id(code)] = -1
            self.codes.append(code)  # keep alive so the id stays unique
            return -1
        index = len(self.rows)
        if index >= ev.MAX_CODES:
            self.by_id[id(code)] = -1
            self.codes.append(code)
            return -1
        self.codes.append(code)
        self.rows.append((code.co_filename, code.co_name, code.co_firstlineno,
                          getattr(code, "co_qualname", code.co_name)))
        self.by_id[id(code)] = index
        return index


class Store:
    def __init__(self, budget: int = DEFAULT_BUDGET, chunk_events: int = CHUNK_EVENTS) -> None:
        self.budget = max(int(budget), 1 << 20)
        self.chunk_events = chunk_events
        self.lock = threading.Lock()  # fetch vs roll-over, never on the hot path
        self.closed = []              # oldest first
        self.closed_bytes = 0
        self.dropped_steps = 0
        self.current = Chunk(0, {})

    @property
    def earliest(self) -> int:
        return self.closed[0].base if self.closed else self.current.base

    @property
    def end(self) -> int:
        return self.current.base + len(self.current.events)

    def roll(self, stacks: dict) -> Chunk:
        """Close the current chunk, start the next, drop the oldest beyond the budget."""
        with self.lock:
            old = self.current
            old.nbytes = old.estimate()
            self.closed.append(old)
            self.closed_bytes += old.nbytes
            self.current = Chunk(old.base + len(old.events), stacks)
            while self.closed and self.closed_bytes > self.budget:
                gone = self.closed.pop(0)
                self.closed_bytes -= gone.nbytes
                self.dropped_steps += len(gone.events)
            return self.current

    def chunks(self):
        with self.lock:
            return list(self.closed) + [self.current]

    def nbytes(self) -> int:
        return self.closed_bytes + self.current.estimate()
