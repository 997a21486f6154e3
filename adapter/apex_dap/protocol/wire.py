"""Content-Length framing of DAP messages over asyncio streams.

Framing errors are reported as :class:`MalformedMessage` so the caller can answer
with an error response and keep reading; only end of stream stops the reader.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any, Protocol

MAX_HEADER_BYTES = 8192
MAX_BODY_BYTES = 64 * 1024 * 1024


class MalformedMessage(Exception):
    """A message that could not be framed or decoded; ``partial`` holds what was read."""

    def __init__(self, reason: str, partial: dict[str, Any] | None = None):
        super().__init__(reason)
        self.partial = partial or {}


class LineReader(Protocol):
    """What the framing needs from a stream (an ``asyncio.StreamReader`` has it)."""

    async def readline(self) -> bytes: ...

    async def readexactly(self, n: int) -> bytes: ...


class PrefixedReader:
    """A stream with bytes already read from it put back in front.

    The TCP listener reads the first line itself (a token, or the first DAP header)
    and hands that line back to the framing through this, since asyncio has no unread.
    """

    def __init__(self, prefix: bytes, reader: LineReader):
        self._prefix = prefix
        self._reader = reader

    async def readline(self) -> bytes:
        if not self._prefix:
            return await self._reader.readline()
        line, newline, rest = self._prefix.partition(b"\n")
        if newline:
            self._prefix = rest
            return line + newline
        self._prefix = b""
        return line + await self._reader.readline()

    async def readexactly(self, n: int) -> bytes:
        head, self._prefix = self._prefix[:n], self._prefix[n:]
        if len(head) == n:
            return head
        try:
            return head + await self._reader.readexactly(n - len(head))
        except asyncio.IncompleteReadError as exc:
            raise asyncio.IncompleteReadError(head + exc.partial, n) from None


async def read_message(reader: LineReader) -> dict[str, Any] | None:
    """Read one message; None at end of stream; MalformedMessage for bad input."""
    length = None
    header_bytes = 0
    while True:
        line = await reader.readline()
        if not line:
            return None
        header_bytes += len(line)
        if header_bytes > MAX_HEADER_BYTES:
            raise MalformedMessage("header block too long")
        line = line.strip()
        if not line:
            if length is None:
                if header_bytes <= 2:
                    continue  # stray blank line between messages
                raise MalformedMessage("missing Content-Length header")
            break
        name, sep, value = line.partition(b":")
        if not sep:
            raise MalformedMessage(f"bad header line {line[:80]!r}")
        if name.strip().lower() == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                raise MalformedMessage(f"bad Content-Length {value.strip()[:40]!r}") from None
            if not 0 <= length <= MAX_BODY_BYTES:
                raise MalformedMessage(f"Content-Length {length} out of range")
    body = await reader.readexactly(length) if length else b""
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedMessage(f"body is not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise MalformedMessage("message is not a JSON object")
    return message


def encode_message(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
