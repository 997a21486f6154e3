"""The editor-facing DAP endpoint: sequence numbers, dispatch by command, error replies.

A handler object provides ``<command>_request(request)`` coroutines (debugpy's naming)
and ``forward(request)`` for everything else, or ``route(request)`` returning the
coroutine function to use. Each request runs as its own task, started
in arrival order, so a long ``launch`` does not block the ``setBreakpoints`` an editor
sends while it waits. A handler returns the response body (or None); raising
:class:`RequestError` answers with an error the editor can show. Nothing a client sends
stops the loop except closing the stream.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

import msgspec

from .wire import LineReader, MalformedMessage, encode_message, read_message

log = logging.getLogger("apex_dap.protocol")


class RequestError(Exception):
    """A refusal or failure answering one request.

    ``show_user`` makes editors display the message (DAP ``body.error.showUser``).
    """

    def __init__(self, message: str, *, show_user: bool = True, error_id: int = 1000,
                 body: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.show_user = show_user
        self.error_id = error_id
        self.body = body


class Request:
    __slots__ = ("seq", "command", "arguments", "raw", "responded")

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        self.seq = raw.get("seq", 0)
        self.command = raw.get("command")
        self.arguments = raw.get("arguments")
        self.responded = False

    def __repr__(self) -> str:
        return f"<Request {self.seq} {self.command}>"


class DapServer:
    def __init__(self, reader: LineReader, writer: Any,
                 handler: Any, name: str = "editor"):
        self._reader = reader
        self._writer = writer
        self._handler = handler
        self._name = name
        self._seq = 0
        self._pending: dict[int, asyncio.Future] = {}
        self._tasks: set[asyncio.Task] = set()
        self.closed = False

    # -- sending -------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        if self.closed:
            return
        self._seq += 1
        message["seq"] = self._seq
        try:
            self._writer.write(encode_message(message))
        except (OSError, RuntimeError) as exc:  # editor went away mid-write
            log.info("write to %s failed: %s", self._name, exc)
            self.closed = True

    def send_event(self, event: str, body: dict[str, Any] | None = None) -> None:
        message: dict[str, Any] = {"type": "event", "event": event}
        if body is not None:
            message["body"] = body
        self._send(message)

    def respond(self, request: Request, body: Any = None) -> None:
        if request.responded:
            return
        request.responded = True
        message: dict[str, Any] = {"type": "response", "request_seq": request.seq,
                                   "success": True, "command": request.command}
        if body is not None:
            message["body"] = body
        self._send(message)

    def respond_error(self, request: Request, error: RequestError) -> None:
        if request.responded:
            return
        request.responded = True
        body = dict(error.body or {})
        body["error"] = {"id": error.error_id, "format": error.message.replace("{", "{{").replace("}", "}}"),
                         "showUser": error.show_user}
        self._send({"type": "response", "request_seq": request.seq, "success": False,
                    "command": request.command or "", "message": error.message, "body": body})

    async def send_request(self, command: str, arguments: dict[str, Any] | None = None,
                           timeout: float = 30.0) -> dict[str, Any]:
        """A reverse request (e.g. runInTerminal); returns the response message."""
        future = asyncio.get_running_loop().create_future()
        message = {"type": "request", "command": command, "arguments": arguments or {}}
        self._send(message)
        self._pending[message["seq"]] = future
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self._pending.pop(message["seq"], None)

    async def drain(self) -> None:
        try:
            await self._writer.drain()
        except (OSError, RuntimeError, AttributeError):
            pass

    # -- receiving -----------------------------------------------------------------
    async def serve(self) -> None:
        """Read until the editor closes the stream."""
        while True:
            try:
                message = await read_message(self._reader)
            except MalformedMessage as exc:
                self._answer_malformed(str(exc), exc.partial)
                continue
            except (asyncio.IncompleteReadError, ConnectionError, OSError):
                break
            if message is None:
                break
            kind = message.get("type")
            if kind == "request" and isinstance(message.get("command"), str):
                self._start(Request(message))
            elif kind == "response":
                future = self._pending.get(message.get("request_seq"))
                if future is not None and not future.done():
                    future.set_result(message)
            else:
                self._answer_malformed("expected a request with a string `command`", message)
        self.closed = True

    def _answer_malformed(self, reason: str, partial: dict[str, Any]) -> None:
        log.warning("malformed message from %s: %s", self._name, reason)
        request = Request({"seq": partial.get("seq", 0) if isinstance(partial.get("seq"), int) else 0,
                           "command": partial.get("command") if isinstance(partial.get("command"), str) else ""})
        self.respond_error(request, RequestError(f"malformed message: {reason}", show_user=False,
                                                 error_id=1001))

    def _start(self, request: Request) -> None:
        task = asyncio.ensure_future(self._dispatch(request))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _method(self, request: Request) -> Callable[[Request], Awaitable[Any]]:
        route = getattr(self._handler, "route", None)
        if route is not None:
            return route(request)
        return getattr(self._handler, f"{request.command}_request", None) or self._handler.forward

    async def _dispatch(self, request: Request) -> None:
        try:
            admit = getattr(self._handler, "admit", None)
            if admit is not None:
                admit(request)
            body = await self._method(request)(request)
            if not request.responded:
                self.respond(request, body)
        except RequestError as exc:
            self.respond_error(request, exc)
        except msgspec.ValidationError as exc:
            self.respond_error(request, RequestError(
                f"invalid arguments for {request.command}: {exc}", error_id=1002))
        except asyncio.CancelledError:
            self.respond_error(request, RequestError(
                f"{request.command} was cancelled: the session is ending", show_user=False))
            raise
        except Exception as exc:  # a bug in a handler must not end the session
            log.exception("internal error handling %r", request)
            self.respond_error(request, RequestError(
                f"internal error in {request.command}: {type(exc).__name__}: {exc}", error_id=1003))
        await self.drain()

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Let in-flight request tasks finish (bounded) before shutting down."""
        current = asyncio.current_task()
        tasks = [t for t in self._tasks if t is not current]
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
