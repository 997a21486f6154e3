"""``HarnessClient``: the host's end of a harness session.

    listener = Listener.open()                       # private Unix socket + token
    client = listener.accept(timeout=10)             # the harness dials in
    client.request("ping")                           # -> response body (dict)
    client.events.get(timeout=1)                     # {"event": ..., "body": ...}
    client.close()

or ``HarnessClient.connect("tcp:127.0.0.1:PORT", token)`` for a harness that listens.
Requests are thread-safe; responses are matched by id. Events go to ``on_event``
(called on the reader thread) or, when none is given, to the ``events`` queue.
"""
from __future__ import annotations

import itertools
import os
import queue
import secrets
import shutil
import socket
import tempfile
import threading
from typing import Any, Callable

import msgspec

from apex_harness import wire

_encoder = msgspec.json.Encoder()


class HarnessError(Exception):
    """A request failed: the harness refused it, or the session is gone."""

    def __init__(self, message: str, error: str = "failed", command: str | None = None):
        super().__init__(message)
        self.error = error
        self.command = command


class HarnessGone(HarnessError):
    def __init__(self, message: str = "the harness session is closed"):
        super().__init__(message, "disconnected")


def _encode(message: dict) -> bytes:
    body = _encoder.encode(message)
    return wire._HEADER.pack(len(body)) + body


def _read(sock: socket.socket) -> dict:
    (size,) = wire._HEADER.unpack(wire._recv_exact(sock, wire._HEADER.size))
    if size > wire.MAX_FRAME:
        raise wire.ProtocolError(f"frame of {size} bytes exceeds the limit")
    try:
        message = msgspec.json.decode(wire._recv_exact(sock, size))
    except msgspec.DecodeError as exc:
        raise wire.ProtocolError(str(exc)) from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise wire.ProtocolError("message is not an object with a string 'type'")
    return message


class HarnessClient:
    def __init__(self, sock: socket.socket, info: dict,
                 on_event: Callable[[dict], Any] | None = None) -> None:
        self.info = info
        self.pid: int | None = info.get("pid")
        self.events: queue.Queue[dict] = queue.Queue()
        self.on_event = on_event
        self.closed = threading.Event()
        self._sock = sock
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, list] = {}
        self._pending_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read_loop, name="apex-host-reader",
                                        daemon=True)
        self._reader.start()

    # -- opening ---------------------------------------------------------
    @classmethod
    def connect(cls, address: str, token: str, timeout: float = 10.0,
                on_event: Callable[[dict], Any] | None = None) -> "HarnessClient":
        """Dial a harness that listens (``apex_harness.listen``)."""
        family, sockaddr = wire.parse_address(address)
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(sockaddr)
            sock.sendall(_encode({"type": "hello", "protocol": wire.PROTOCOL_VERSION,
                                  "token": token}))
            reply = _read(sock)
        except (OSError, EOFError, wire.ProtocolError) as exc:
            sock.close()
            raise HarnessError(f"cannot connect to the harness at {address}: {exc}",
                               "connect_failed") from exc
        if reply.get("type") != "welcome":
            sock.close()
            raise HarnessError(f"the harness at {address} refused us: "
                               f"{reply.get('message', reply)}", "refused")
        sock.settimeout(None)
        return cls(sock, reply.get("info") or {}, on_event)

    # -- requests ----------------------------------------------------------
    def request(self, command: str, arguments: dict | None = None,
                timeout: float | None = 30.0) -> dict:
        """Send a request and wait for its response body; raises HarnessError."""
        if self.closed.is_set():
            raise HarnessGone()
        seq = next(self._ids)
        slot = [threading.Event(), None]
        with self._pending_lock:
            self._pending[seq] = slot
        try:
            self._send({"type": "request", "id": seq, "command": command,
                        "arguments": arguments or {}})
            if not slot[0].wait(timeout):
                raise HarnessError(f"no answer to {command!r} within {timeout} s",
                                   "timeout", command)
        finally:
            with self._pending_lock:
                self._pending.pop(seq, None)
        response = slot[1]
        if response is None:
            raise HarnessGone(f"the harness went away before answering {command!r}")
        if not response.get("success"):
            raise HarnessError(response.get("message", "request failed"),
                               response.get("error", "failed"), command)
        return response.get("body") or {}

    def _send(self, message: dict) -> None:
        data = _encode(message)
        with self._send_lock:
            try:
                self._sock.sendall(data)
            except OSError as exc:
                self._shutdown()
                raise HarnessGone(f"cannot send to the harness: {exc}") from exc

    def wait_event(self, name: str, timeout: float = 10.0,
                   predicate: Callable[[dict], bool] | None = None) -> dict:
        """Take events off the queue until one named ``name`` (and matching) arrives."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HarnessError(f"no {name!r} event within {timeout} s", "timeout")
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            if event.get("event") == name and (predicate is None or predicate(event)):
                return event

    # -- reading -----------------------------------------------------------
    def _read_loop(self) -> None:
        try:
            while True:
                message = _read(self._sock)
                kind = message["type"]
                if kind == "response":
                    with self._pending_lock:
                        slot = self._pending.get(message.get("id"))
                    if slot is not None:
                        slot[1] = message
                        slot[0].set()
                elif kind == "event":
                    self._deliver(message)
        except (OSError, EOFError, wire.ProtocolError):
            pass
        finally:
            self._shutdown()
            self._deliver({"type": "event", "event": "disconnected", "body": {}})

    def _deliver(self, event: dict) -> None:
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception:
                pass
        else:
            self.events.put(event)

    def _shutdown(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        with self._pending_lock:
            for slot in self._pending.values():
                slot[0].set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self) -> None:
        """End the session; the harness resumes any paused thread and lets the program run."""
        if not self.closed.is_set():
            try:
                with self._send_lock:
                    self._sock.sendall(_encode({"type": "disconnect"}))
            except OSError:
                pass
        self._shutdown()
        try:
            self._sock.close()
        except OSError:
            pass
        if self._reader is not threading.current_thread():
            self._reader.join(2.0)

    def __enter__(self) -> "HarnessClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Listener:
    """A private Unix socket (in a 0700 directory) that one harness dials, with a token."""

    def __init__(self, sock: socket.socket, path: str, directory: str, token: str) -> None:
        self.sock = sock
        self.path = path
        self.directory = directory
        self.token = token
        self.address = wire.format_address(socket.AF_UNIX, path)

    @classmethod
    def open(cls, directory: str | None = None) -> "Listener":
        directory = tempfile.mkdtemp(prefix="apex-", dir=directory)
        os.chmod(directory, 0o700)
        path = os.path.join(directory, "harness.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(path)
        sock.listen(4)
        return cls(sock, path, directory, secrets.token_urlsafe(24))

    def accept(self, timeout: float = 10.0, on_event=None,
               alive: Callable[[], bool] | None = None) -> HarnessClient:
        """Wait for the harness; ``alive()`` returning False aborts early (target died)."""
        import hmac
        import time

        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HarnessError(f"the harness did not connect within {timeout} s",
                                   "timeout")
            if alive is not None and not alive():
                raise HarnessError("the target exited before its harness connected",
                                   "target_exited")
            self.sock.settimeout(min(remaining, 0.2))
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            conn.settimeout(max(1.0, remaining))
            try:
                hello = _read(conn)
            except (OSError, EOFError, wire.ProtocolError):
                conn.close()
                continue
            token = str(hello.get("token", "")).encode()
            if hello.get("type") != "hello" or not hmac.compare_digest(token,
                                                                       self.token.encode()):
                conn.sendall(_encode({"type": "error", "message": "bad token"}))
                conn.close()
                continue
            if hello.get("protocol") != wire.PROTOCOL_VERSION:
                conn.sendall(_encode({"type": "error", "message":
                                      f"protocol {hello.get('protocol')} is not supported"}))
                conn.close()
                raise HarnessError("the harness speaks protocol "
                                   f"{hello.get('protocol')}, we speak {wire.PROTOCOL_VERSION}",
                                   "protocol")
            conn.sendall(_encode({"type": "welcome", "protocol": wire.PROTOCOL_VERSION}))
            conn.settimeout(None)
            return HarnessClient(conn, hello.get("info") or {}, on_event)

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
