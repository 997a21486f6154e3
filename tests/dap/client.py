"""A small DAP client for tests: drives `apex dap` over stdio or TCP, records the timeline.

Every wait is bounded; nothing sleeps. ``timeline`` keeps every message in arrival order so
tests can assert event order ("initialized before the configurationDone response").
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any, Callable

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# `python -m apex_dap` is `apex dap` without the other subcommands (test_cli checks `apex dap`).
APEX = [sys.executable, "-m", "apex_dap"]
DEFAULT_TIMEOUT = 30.0


class DapError(AssertionError):
    pass


def find_marker(path: str, marker: str) -> int:
    """Line number (1-based) of the line carrying ``# @marker``."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if re.search(r"#\s*@%s\b" % re.escape(marker), line):
                return number
    raise KeyError(f"no @{marker} in {path}")


class DapClient:
    def __init__(self, rfile, wfile, process: subprocess.Popen | None = None,
                 sock: socket.socket | None = None):
        self._rfile = rfile
        self._wfile = wfile
        self.process = process
        self._sock = sock
        self._seq = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self.timeline: list[dict[str, Any]] = []
        self.closed = False
        self.reverse_handlers: dict[str, Callable[[dict], dict]] = {}
        #: Merged into every launch/attach (tests point ``auditLog`` at tmp_path so no
        #: test writes the project's own audit log).
        self.session_defaults: dict[str, Any] = {}
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # -- construction --------------------------------------------------------------
    @classmethod
    def stdio(cls, env: dict | None = None, cwd: str | None = None) -> "DapClient":
        process = subprocess.Popen(APEX, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=env, cwd=cwd,
                                   start_new_session=True)
        client = cls(process.stdout, process.stdin, process)
        threading.Thread(target=client._drain_stderr, daemon=True).start()
        return client

    @classmethod
    def tcp(cls, env: dict | None = None, cwd: str | None = None, token: str = "t0ken",
            send_token_line: bool = True) -> "DapClient":
        process = subprocess.Popen(APEX + ["--port", "0", "--token", token],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, env=env, cwd=cwd,
                                   start_new_session=True)
        line = process.stderr.readline().decode()
        match = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not match:
            process.kill()
            raise DapError(f"no port announced: {line!r}")
        sock = socket.create_connection(("127.0.0.1", int(match.group(1))), timeout=10)
        sock.settimeout(None)
        if send_token_line:
            sock.sendall(token.encode() + b"\n")
        client = cls(sock.makefile("rb"), sock.makefile("wb"), process, sock)
        threading.Thread(target=client._drain_stderr, daemon=True).start()
        return client

    def _drain_stderr(self) -> None:
        self.stderr_lines: list[str] = []
        try:
            for line in self.process.stderr:
                self.stderr_lines.append(line.decode("utf-8", "replace"))
        except (OSError, ValueError):
            pass

    # -- wire ----------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        with self._lock:
            self._wfile.write(data)
            self._wfile.flush()

    def send(self, message: dict[str, Any]) -> int:
        with self._lock:
            self._seq += 1
            message = dict(message, seq=self._seq)
            body = json.dumps(message).encode()
            self._wfile.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            self._wfile.flush()
            return self._seq

    def _read_loop(self) -> None:
        try:
            while True:
                length = None
                while True:
                    line = self._rfile.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = self._rfile.read(length)
                message = json.loads(body)
                message["_t"] = time.monotonic()
                with self._cond:
                    self.timeline.append(message)
                    self._cond.notify_all()
                if message.get("type") == "request":
                    self._answer_reverse(message)
        except (OSError, ValueError):
            pass
        finally:
            with self._cond:
                self.closed = True
                self._cond.notify_all()

    def _answer_reverse(self, message: dict) -> None:
        handler = self.reverse_handlers.get(message["command"])
        response = {"type": "response", "request_seq": message["seq"],
                    "command": message["command"], "success": handler is not None}
        if handler is not None:
            response["body"] = handler(message.get("arguments") or {})
        else:
            response["message"] = "not supported by the test client"
        threading.Thread(target=self.send, args=(response,), daemon=True).start()

    # -- waiting -------------------------------------------------------------------
    def wait_for(self, predicate: Callable[[dict], bool], timeout: float = DEFAULT_TIMEOUT,
                 what: str = "message", start: int = 0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            index = start
            while True:
                while index < len(self.timeline):
                    if predicate(self.timeline[index]):
                        return self.timeline[index]
                    index += 1
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed:
                    kinds = [m.get("event") or m.get("command") for m in self.timeline[-15:]]
                    raise DapError(f"timed out waiting for {what}; last messages: {kinds}; "
                                   f"stderr: {''.join(getattr(self, 'stderr_lines', [])[-20:])}")
                self._cond.wait(remaining)

    def wait_event(self, event: str, timeout: float = DEFAULT_TIMEOUT, after: int = 0,
                   **body_match: Any) -> dict[str, Any]:
        def match(m: dict) -> bool:
            if m.get("type") != "event" or m.get("event") != event:
                return False
            body = m.get("body") or {}
            return all(body.get(k) == v for k, v in body_match.items())
        return self.wait_for(match, timeout, f"event {event} {body_match or ''}", start=after)

    def mark(self) -> int:
        with self._cond:
            return len(self.timeline)

    def request_async(self, command: str, arguments: dict | None = None) -> int:
        if command in ("launch", "attach") and isinstance(arguments, dict):
            arguments = {**self.session_defaults, **arguments}
        message = {"type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = arguments
        return self.send(message)

    def response(self, seq: int, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        return self.wait_for(lambda m: m.get("type") == "response" and m.get("request_seq") == seq,
                             timeout, f"response to {seq}")

    def request(self, command: str, arguments: dict | None = None,
                timeout: float = DEFAULT_TIMEOUT, ok: bool = True) -> dict[str, Any]:
        response = self.response(self.request_async(command, arguments), timeout)
        if ok and not response.get("success"):
            raise DapError(f"{command} failed: {response.get('message')}")
        return response

    def index_of(self, message: dict) -> int:
        return next(i for i, m in enumerate(self.timeline) if m is message)

    # -- conveniences -------------------------------------------------------------
    def initialize(self, **extra: Any) -> dict[str, Any]:
        args = {"clientID": "apex-tests", "adapterID": "apex", "linesStartAt1": True,
                "columnsStartAt1": True, "pathFormat": "path", "supportsVariableType": True,
                "supportsInvalidatedEvent": True, **extra}
        return self.request("initialize", args)["body"]

    def stopped(self, after: int = 0, timeout: float = DEFAULT_TIMEOUT, **match) -> dict:
        return self.wait_event("stopped", timeout, after, **match)["body"]

    def top_frame(self, thread_id: int) -> dict[str, Any]:
        return self.request("stackTrace", {"threadId": thread_id})["body"]["stackFrames"][0]

    def frames(self, thread_id: int) -> list[dict[str, Any]]:
        return self.request("stackTrace", {"threadId": thread_id})["body"]["stackFrames"]

    def scopes(self, frame_id: int) -> dict[str, int]:
        body = self.request("scopes", {"frameId": frame_id})["body"]
        return {s["name"]: s["variablesReference"] for s in body["scopes"]}

    def variables(self, ref: int, **extra) -> dict[str, dict[str, Any]]:
        body = self.request("variables", {"variablesReference": ref, **extra})["body"]
        return {v["name"]: v for v in body["variables"]}

    def evaluate(self, expression: str, frame_id: int, context: str = "watch",
                 ok: bool = True) -> dict[str, Any]:
        return self.request("evaluate", {"expression": expression, "frameId": frame_id,
                                         "context": context}, ok=ok)

    def close(self, timeout: float = 10.0) -> int | None:
        try:
            self._wfile.close()
        except OSError:
            pass
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        code = None
        if self.process is not None:
            try:
                code = self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                code = self.process.wait(5)
        return code
