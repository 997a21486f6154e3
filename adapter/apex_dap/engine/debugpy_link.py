"""A DAP client connection to the debugpy (pydevd) server inside the target."""
from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any, Callable

from ..protocol.wire import MalformedMessage, encode_message, read_message

log = logging.getLogger("apex_dap.debugpy")


class LinkClosed(Exception):
    """The connection to debugpy ended (the target exited or crashed)."""


class DebugpyLink:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 on_event: Callable[[dict[str, Any]], None]):
        self._reader = reader
        self._writer = writer
        self._on_event = on_event
        self._seq = 0
        self._pending: dict[int, asyncio.Future] = {}
        self.closed = asyncio.Event()
        self._task = asyncio.ensure_future(self._read_loop())

    @classmethod
    async def connect(cls, host: str, port: int, on_event: Callable[[dict[str, Any]], None],
                      timeout: float = 10.0) -> "DebugpyLink":
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, limit=64 * 1024 * 1024), timeout)
        sock = writer.get_extra_info("socket")
        if sock is not None:  # asyncio does this for TCP already; say so, do not rely on it
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer, on_event)

    async def request(self, command: str, arguments: Any = None,
                      timeout: float | None = 60.0) -> dict[str, Any]:
        """Send a request and return debugpy's whole response message."""
        if self.closed.is_set():
            raise LinkClosed("the debugger in the target is gone")
        self._seq += 1
        seq = self._seq
        message: dict[str, Any] = {"seq": seq, "type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = arguments
        future = asyncio.get_running_loop().create_future()
        self._pending[seq] = future
        try:
            self._writer.write(encode_message(message))
        except (OSError, RuntimeError) as exc:
            self._pending.pop(seq, None)
            raise LinkClosed(f"cannot write to the debugger: {exc}") from None
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise LinkClosed(f"the debugger did not answer {command} within {timeout:.0f} s") from None
        finally:
            self._pending.pop(seq, None)

    async def _read_loop(self) -> None:
        try:
            while True:
                try:
                    message = await read_message(self._reader)
                except MalformedMessage as exc:
                    log.warning("malformed message from debugpy: %s", exc)
                    continue
                if message is None:
                    break
                kind = message.get("type")
                if kind == "response":
                    future = self._pending.get(message.get("request_seq"))
                    if future is not None and not future.done():
                        future.set_result(message)
                elif kind == "event":
                    try:
                        self._on_event(message)
                    except Exception:
                        log.exception("event handler failed for %s", message.get("event"))
                elif kind == "request":
                    log.info("ignoring reverse request from debugpy: %s", message.get("command"))
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._fail_pending()
            self.closed.set()

    def _fail_pending(self) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(LinkClosed("the debugger in the target is gone"))

    async def close(self) -> None:
        try:
            self._writer.close()
        except (OSError, RuntimeError):
            pass
        self._task.cancel()
        try:
            await self._task
        except BaseException:
            pass
        self._fail_pending()
        self.closed.set()
