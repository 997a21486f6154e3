"""Saved recordings: a versioned, compact file that replays without the program.

Layout::

    bytes 0-7   magic  b"\\x89APEXREC"
    bytes 8-9   format version, unsigned big-endian (this module writes FORMAT_VERSION)
    bytes 10-   zlib-compressed msgpack of a ``Recording`` (msgspec Structs below)

``events`` holds the raw history events (little-endian int64, packed as in
``apex_harness.recorder.events``); ``values`` the captured values as ``Node`` trees.
Loading checks the magic and the version before decoding anything, decodes with msgspec
into these Structs only (no pickle, nothing from the file is ever executed or imported),
and bounds decompression so a crafted file cannot exhaust memory.
"""
from __future__ import annotations

import os
import struct
import sys
import time
import zlib
from typing import Any, Optional, Union

import msgspec

MAGIC = b"\x89APEXREC"
FORMAT_VERSION = 1
MAX_UNCOMPRESSED = 4 << 30
_HEADER = struct.Struct(">8sH")


class RecordingError(Exception):
    """The file cannot be read as a recording; the message says why."""


class Node(msgspec.Struct, array_like=True):
    """A captured value: type name, bounded repr, children, flags (1 = truncated)."""
    type: str
    repr: str
    children: Optional[list["Child"]]
    flags: int


class Child(msgspec.Struct, array_like=True):
    label: str
    node: Node


class CodeRow(msgspec.Struct, array_like=True):
    filename: str
    name: str
    first_line: int
    qualname: str


class ThreadRow(msgspec.Struct, array_like=True):
    slot: int
    ident: int
    name: str


class ValueRow(msgspec.Struct, array_like=True):
    """A value captured at ``step``: scalars as themselves, anything else as a Node."""
    step: int
    key: str
    value: Union[Node, int, float, str, bool, None]


class Mark(msgspec.Struct):
    """A timeline entry the adapter saw: a state edit, a hot reload, a live stop."""
    step: int
    kind: str
    text: str = ""
    thread: Optional[int] = None


class Recording(msgspec.Struct):
    first: int
    events: bytes
    codes: list[CodeRow]
    threads: list[ThreadRow]
    values: list[ValueRow]
    stacks: dict[int, list[int]] = {}
    marks: list[Mark] = []
    breakpoints: dict[str, list[int]] = {}
    python: str = ""
    program: str = ""
    created: float = 0.0
    dropped: bool = False


def save(path: str, history, *, marks=(), breakpoints=None, program: str = "",
         python: str = "") -> int:
    """Write ``history`` (a history.model.History) to ``path``; returns the file size."""
    events = history.events
    if sys.byteorder != "little":
        events = events.__copy__()
        events.byteswap()
    record = {
        "first": history.first, "events": events.tobytes(),
        "codes": [list(r) for r in history.codes],
        "threads": [[slot, ident, name] for slot, (ident, name) in sorted(history.threads.items())],
        "values": history.values,
        "stacks": history.start_stacks,
        "marks": [msgspec.to_builtins(m) if isinstance(m, Mark) else m for m in marks],
        "breakpoints": {k: sorted(v) for k, v in (breakpoints or {}).items()},
        "python": python, "program": program, "created": time.time(),
        "dropped": history.dropped,
    }
    payload = zlib.compress(msgspec.msgpack.encode(record), 6)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(_HEADER.pack(MAGIC, FORMAT_VERSION))
        f.write(payload)
    os.replace(tmp, path)
    return os.path.getsize(path)


def read_header(data: bytes) -> int:
    if len(data) < _HEADER.size or data[:8] != MAGIC:
        raise RecordingError("not an Apex recording (bad magic bytes)")
    _, version = _HEADER.unpack_from(data)
    if version > FORMAT_VERSION:
        raise RecordingError(f"this recording uses format version {version}, newer than this "
                             f"Apex reads ({FORMAT_VERSION}); upgrade Apex to replay it")
    if version < FORMAT_VERSION:
        raise RecordingError(f"this recording uses format version {version}, older than this "
                             f"Apex reads ({FORMAT_VERSION}); re-record it")
    return version


def load(path: str) -> tuple[Recording, dict[str, Any]]:
    """-> (validated Recording, the same data as plain builtins for the model)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise RecordingError(f"cannot read {path}: {exc.strerror or exc}") from None
    read_header(data)
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(data[_HEADER.size:], MAX_UNCOMPRESSED)
    except zlib.error as exc:
        raise RecordingError(f"{path} is damaged: {exc}") from None
    if inflater.unconsumed_tail:
        raise RecordingError(f"{path} expands beyond {MAX_UNCOMPRESSED >> 30} GiB; refusing it")
    try:
        recording = msgspec.msgpack.decode(raw, type=Recording)
        plain = msgspec.msgpack.decode(raw)
    except msgspec.DecodeError as exc:
        raise RecordingError(f"{path} is not a valid recording: {exc}") from None
    if len(recording.events) % 8:
        raise RecordingError(f"{path} is damaged: the event table is not whole")
    return recording, plain


def to_history(recording: Recording, plain: dict[str, Any]):
    """Build a history.model.History from a loaded recording."""
    from array import array

    from .history.model import History

    history = History()
    history.codes = [tuple(r) for r in plain["codes"]]
    history.threads = {t[0]: (t[1], t[2]) for t in plain["threads"]}
    history.reset(recording.first, recording.stacks)
    events = array("q")
    events.frombytes(recording.events)
    if sys.byteorder != "little":
        events.byteswap()
    ncodes = len(history.codes)
    for event in events:
        if (event >> 12) & 0xFFFFF >= ncodes:
            raise RecordingError("the recording is damaged: an event names an unknown code")
    history.add_events(events)
    history.add_values(plain["values"])
    history.dropped = recording.dropped
    return history
