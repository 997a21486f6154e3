"""The harness's I/O: one daemon thread per endpoint, one session at a time.

Two ways to meet the host:

* ``connect``: the harness dials the host's listener (used by ``apex run`` and the
  adapter's launch, and by attach-by-pid). When that session ends the harness stops.
* ``listen``: the harness accepts on an address (like ``debugpy.listen``); when a
  session ends it accepts the next one.

The side that connects sends ``hello`` with the token; the accepting side checks it
and answers ``welcome`` (or ``error`` and closes). Whenever a session ends, for any
reason, every paused thread is resumed: the program never stays stopped without
an adapter.
"""
from __future__ import annotations

import os
import queue
import socket
import threading

from . import handlers, pause, wire

HELLO_TIMEOUT = 10.0
#: Events queued beyond this are dropped (and counted) rather than blocking the program.
EVENT_QUEUE_LIMIT = 10000


def _log(message: str) -> None:
    if os.environ.get("APEX_HARNESS_DEBUG"):
        try:
            os.write(2, ("apex-harness[%d]: %s\n" % (os.getpid(), message)).encode())
        except OSError:
            pass


_LIVE_SESSIONS = []
#: Authenticated sessions this process has had, either direction (``info``'s
#: ``connections``: how many links an adapter opened into the program).
_SESSIONS_OPENED = [0]


def connection_stats() -> dict:
    return {"opened": _SESSIONS_OPENED[0], "open": len(_LIVE_SESSIONS)}


def _flush_at_exit() -> None:
    """Let events emitted in the program's last moments reach the adapter (bounded)."""
    for session in list(_LIVE_SESSIONS):
        if not session._writer.is_alive():
            continue
        try:
            session._outbox.put_nowait(None)
        except queue.Full:
            continue
        session._writer.join(0.5)


def _forget_sessions_in_child() -> None:
    """After fork the child has our sockets but not our threads: drop them quietly, so
    the adapter sees the session end when the process it attached to ends."""
    for session in list(_LIVE_SESSIONS):
        session.closed.set()
        try:
            session.sock.close()
        except OSError:
            pass
    del _LIVE_SESSIONS[:]
    _SESSIONS_OPENED[0] = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_sessions_in_child)


class Session:
    """One authenticated connection. ``emit`` is safe from any thread and never blocks."""

    def __init__(self, sock: socket.socket) -> None:
        if not _LIVE_SESSIONS:
            import atexit
            atexit.register(_flush_at_exit)
        _LIVE_SESSIONS.append(self)
        _SESSIONS_OPENED[0] += 1
        self.sock = sock
        self.closed = threading.Event()
        self.dropped_events = 0
        self._outbox = queue.Queue(EVENT_QUEUE_LIMIT)
        self._after = []
        self._writer = threading.Thread(target=self._write_loop, name="apex-harness-writer",
                                        daemon=True)
        # Started now, not when serving starts: events the program emits at once (and the
        # exit flush) must find it running.
        self._writer.start()

    def emit(self, event: str, body=None) -> bool:
        if self.closed.is_set():
            return False
        try:
            self._outbox.put_nowait({"type": "event", "event": event, "body": body or {}})
            return True
        except queue.Full:
            self.dropped_events += 1
            return False

    def _send_now(self, message: dict) -> None:
        self._outbox.put(message)

    def after_reply(self, fn) -> None:
        """Run ``fn`` on the writer thread once the current response is on the wire.

        For actions that may end the program (resume): the reply must leave first.
        """
        self._after.append(fn)

    def _write_loop(self) -> None:
        pause.mark_harness_thread()
        try:
            while True:
                message = self._outbox.get()
                if message is None:
                    return
                if callable(message):
                    message()
                    continue
                self.sock.sendall(wire.encode(message))
        except OSError:
            self.closed.set()
        finally:
            pause.unmark_harness_thread()

    def serve(self) -> None:
        """Answer requests until the peer goes away, then resume the program."""
        try:
            while not self.closed.is_set():
                try:
                    message = wire.read_message(self.sock)
                except (EOFError, OSError):
                    return
                except wire.ProtocolError as exc:
                    self._send_now({"type": "event", "event": "protocolError",
                                    "body": {"message": str(exc)}})
                    return
                if message["type"] == "request":
                    self._send_now(self._answer(message))
                    after, self._after = self._after, []
                    for fn in after:
                        self._send_now(fn)
                elif message["type"] == "disconnect":
                    return
        finally:
            self.close()

    def _answer(self, message: dict) -> dict:
        command = message.get("command")
        response = {"type": "response", "id": message.get("id"), "command": command}
        fn = handlers.lookup(command) if isinstance(command, str) else None
        if fn is None:
            response.update(success=False, error="unknown_command",
                            message="the harness has no command %r" % (command,))
            return response
        arguments = message.get("arguments") or {}
        try:
            body = fn(arguments if isinstance(arguments, dict) else {}, self)
            response.update(success=True, body=body if body is not None else {})
        except handlers.HandlerError as exc:
            response.update(success=False, error=exc.error, message=str(exc))
        except Exception as exc:
            response.update(success=False, error="internal_error",
                            message="%s: %s" % (type(exc).__name__, exc))
        return response

    def close(self) -> None:
        if not self.closed.is_set():
            self.closed.set()
        if self in _LIVE_SESSIONS:
            _LIVE_SESSIONS.remove(self)
        pause.resume_all()
        _run_close_hooks(self)
        try:
            self._outbox.put_nowait(None)
        except queue.Full:
            pass
        if self._writer.is_alive() and self._writer is not threading.current_thread():
            self._writer.join(1.0)
        try:
            self.sock.close()
        except OSError:
            pass


_CLOSE_HOOKS = []


def on_session_close(fn):
    """Register ``fn(session)``, called when any session ends (e.g. a recorder stops)."""
    _CLOSE_HOOKS.append(fn)
    return fn


def _run_close_hooks(session) -> None:
    for fn in list(_CLOSE_HOOKS):
        try:
            fn(session)
        except Exception:
            pass


def _check_hello(message: dict, token: str):
    import hmac

    if message.get("type") != "hello":
        return "expected hello"
    if message.get("protocol") != wire.PROTOCOL_VERSION:
        return "protocol %r is not supported (this harness speaks %d)" % (
            message.get("protocol"), wire.PROTOCOL_VERSION)
    if not hmac.compare_digest(str(message.get("token", "")).encode(), token.encode()):
        return "bad token"
    return None


def _welcome() -> dict:
    from ._builtin import process_info
    return {"type": "welcome", "protocol": wire.PROTOCOL_VERSION, "info": process_info()}


class Endpoint:
    """A running harness endpoint (listen or connect); ``address`` is where it is."""

    def __init__(self, mode: str, address: str, token: str) -> None:
        self.mode = mode
        self.address = address
        self.token = token
        self.session = None
        self.stopped = threading.Event()
        self.thread = None

    def stop(self) -> None:
        self.stopped.set()
        session = self.session
        if session is not None:
            session.close()


def _hello_socket(sock: socket.socket) -> None:
    sock.settimeout(HELLO_TIMEOUT)


def start_listen(host: str, port: int, token: str, unix_path=None) -> Endpoint:
    if unix_path:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            server.bind(unix_path)
        finally:
            os.umask(old)
        address = wire.format_address(socket.AF_UNIX, unix_path)
    else:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        server = socket.socket(family, socket.SOCK_STREAM)
        server.bind((host, port))
        address = wire.format_address(socket.AF_INET, server.getsockname()[:2])
    server.listen(4)
    endpoint = Endpoint("listen", address, token)
    endpoint.thread = threading.Thread(target=_accept_loop, args=(endpoint, server),
                                       name="apex-harness-listen", daemon=True)
    endpoint.thread.start()
    return endpoint


def _accept_loop(endpoint: Endpoint, server: socket.socket) -> None:
    pause.mark_harness_thread()
    with server:
        while not endpoint.stopped.is_set():
            try:
                sock, _ = server.accept()
            except OSError:
                return
            try:
                _hello_socket(sock)
                problem = _check_hello(wire.read_message(sock), endpoint.token)
                if problem is None and endpoint.session is not None \
                        and not endpoint.session.closed.is_set():
                    problem = "another adapter is already connected"
                if problem:
                    _log("refused a connection: " + problem)
                    sock.sendall(wire.encode({"type": "error", "message": problem}))
                    sock.close()
                    continue
                sock.sendall(wire.encode(_welcome()))
                sock.settimeout(None)
            except (OSError, EOFError, wire.ProtocolError) as exc:
                _log("handshake failed: %s" % exc)
                sock.close()
                continue
            endpoint.session = Session(sock)
            # Served on its own thread so the loop can keep refusing extra adapters.
            threading.Thread(target=_serve_marked, args=(endpoint.session,),
                             name="apex-harness-io", daemon=True).start()


def _serve_marked(session: Session) -> None:
    pause.mark_harness_thread()
    try:
        session.serve()
    finally:
        pause.unmark_harness_thread()


def start_connect(address: str, token: str, timeout: float = 10.0) -> Endpoint:
    """Dial the host now (so the caller knows it worked), then serve on a daemon thread."""
    family, sockaddr = wire.parse_address(address)
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(sockaddr)
        sock.sendall(wire.encode({"type": "hello", "protocol": wire.PROTOCOL_VERSION,
                                  "token": token, "info": _welcome()["info"]}))
        reply = wire.read_message(sock)
    except BaseException:
        sock.close()
        raise
    if reply.get("type") != "welcome":
        sock.close()
        raise ConnectionRefusedError("host refused the harness: %s" % reply.get("message"))
    sock.settimeout(None)
    endpoint = Endpoint("connect", address, token)
    endpoint.session = Session(sock)

    def serve():
        pause.mark_harness_thread()
        try:
            endpoint.session.serve()
        finally:
            endpoint.stopped.set()

    endpoint.thread = threading.Thread(target=serve, name="apex-harness-io", daemon=True)
    endpoint.thread.start()
    return endpoint
