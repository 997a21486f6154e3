"""Start a program with the harness booted and connected to us.

    handle = spawn(["app.py", "--flag"])            # or spawn(["--x"], module="pkg.main")
    handle.client.request("info")
    handle.wait()

The target runs ``python <adapter>/apex_harness/boot.py ...``: nothing is installed
into the target interpreter; the harness dials a private Unix socket and
authenticates with a per-launch token.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import BOOT_SCRIPT, SERVER_DIR
from .client import HarnessClient, HarnessError, Listener


def target_command(argv: Sequence[str], module: str | None = None,
                   python: str | None = None) -> list[str]:
    """The command line that runs ``argv`` (or ``-m module argv``) under the harness."""
    program = ["-m", module, *argv] if module else list(argv)
    if not program:
        raise ValueError("nothing to run: give a script (argv[0]) or a module")
    return [python or sys.executable, BOOT_SCRIPT, *program]


def harness_env(base: Mapping[str, str] | None, *, connect: str | None = None,
                token: str | None = None, guard: dict | None = None,
                rlimits: dict | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env["APEX_HARNESS_PATHS"] = SERVER_DIR
    if connect:
        env["APEX_HARNESS_CONNECT"] = connect
    if token:
        env["APEX_HARNESS_TOKEN"] = token
    if guard is not None:
        env["APEX_HARNESS_GUARD"] = json.dumps(guard)
    if rlimits:
        env["APEX_HARNESS_RLIMITS"] = json.dumps(rlimits)
    return env


class TargetHandle:
    """A launched target: ``process`` (Popen), ``client`` (HarnessClient), ``pid``."""

    def __init__(self, process: subprocess.Popen, client: HarnessClient,
                 listener: Listener) -> None:
        self.process = process
        self.client = client
        self.pid = process.pid
        self._listener = listener

    def monitor(self, on_sample: Callable[[dict], Any], interval: float = 1.0):
        """Start reporting the target tree's memory, CPU, threads, open files and children
        (``resources`` events for the editor). Reporting only: limits are the sandbox's."""
        from .monitor import ResourceMonitor

        return ResourceMonitor(self.pid, interval, on_sample).start()

    def wait(self, timeout: float | None = None) -> int:
        return self.process.wait(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def close(self) -> None:
        """Disconnect (the program keeps running) and remove the private socket."""
        self.client.close()
        self._listener.close()

    def __enter__(self) -> "TargetHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
        self.kill()


def spawn(argv: Sequence[str] = (), *, module: str | None = None,
          env: Mapping[str, str] | None = None, cwd: str | None = None,
          python: str | None = None, guard: dict | None = None,
          rlimits: dict | None = None, connect_timeout: float = 15.0,
          on_event: Callable[[dict], Any] | None = None,
          wrap: Callable[[list[str], str], list[str]] | None = None,
          listener: Listener | None = None,
          **popen: Any) -> TargetHandle:
    """Launch the target under the harness and wait until its harness is connected.

    ``popen`` passes through to ``subprocess.Popen`` (stdin/stdout/stderr,
    start_new_session...). ``wrap`` turns the command into another one (the isolation
    sandbox prefixes bwrap; it gets the command and the socket's directory). Raises
    ``HarnessError`` if the harness never connects.
    """
    listener = listener or Listener.open()
    command = target_command(argv, module, python)
    if wrap is not None:
        command = wrap(command, listener.directory)
    environment = harness_env(env, connect=listener.address, token=listener.token,
                              guard=guard, rlimits=rlimits)
    try:
        process = subprocess.Popen(command, env=environment, cwd=cwd, **popen)
    except OSError:
        listener.close()
        raise
    try:
        client = listener.accept(connect_timeout, on_event=on_event,
                                 alive=lambda: process.poll() is None)
    except HarnessError as exc:
        if process.poll() is None:
            process.kill()
        code = process.wait()
        listener.close()
        if exc.error == "target_exited":
            raise HarnessError(f"the target exited with status {code} before its harness "
                               "connected", "target_exited") from None
        raise
    return TargetHandle(process, client, listener)
