"""Event codes and the 64-bit packing shared by the recorder and the adapter's model.

One history event is one signed 64-bit integer::

    kind (4 bits) | thread slot << 4 (8 bits) | code index << 12 (20 bits) | arg << 32

``arg`` is the line number for LINE and CALL (the frame's first line), else 0. The
event's position in the history is its step index, so a step costs 8 bytes plus
whatever values were captured at it. Standard library only (runs in the target).
"""
from __future__ import annotations

LINE = 0      # about to run a line (arg = line)
CALL = 1      # a user frame starts (arguments captured at this step)
RETURN = 2    # the frame returns (value captured as "<return>")
YIELD = 3     # a generator/coroutine frame suspends (value as "<yield>")
RESUME = 4    # a generator/coroutine frame resumes (all locals captured)
UNWIND = 5    # an exception leaves the frame
RAISE = 6     # an exception is raised in the frame (value as "<exception>")
HANDLED = 7   # an exception is caught in the frame
ENTER = 8     # a frame already running when recording started (all locals captured)

NAMES = ("line", "call", "return", "yield", "resume", "unwind", "raise", "handled", "enter")
PUSHES = (CALL, RESUME, ENTER)
POPS = (RETURN, YIELD, UNWIND)

MAX_SLOTS = 256
MAX_CODES = 1 << 20

#: Value keys that are not variable names.
RETURN_KEY = "<return>"
YIELD_KEY = "<yield>"
EXCEPTION_KEY = "<exception>"
#: Prefix of keys naming a module global rather than a local.
GLOBAL_PREFIX = "g:"


def pack(kind: int, slot: int, cidx: int, arg: int = 0) -> int:
    return kind | slot << 4 | cidx << 12 | arg << 32


def unpack(event: int):
    """-> (kind, slot, cidx, arg)."""
    return event & 15, (event >> 4) & 255, (event >> 12) & 0xFFFFF, event >> 32
