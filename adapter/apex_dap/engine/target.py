"""Starting, watching and stopping the target process of a launch session.

The target runs ``target/apex_dap_boot.py`` under the requested interpreter. It is put in
its own process group so that ending the session ends everything it started (debugpy
puts nothing of its own in our way here: pydevd runs in-process, there is no separate
debugpy adapter process to orphan).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import shlex
import shutil
import signal
import sys
import tempfile
from typing import Any, Callable

log = logging.getLogger("apex_dap.target")

BOOT_SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "target", "apex_dap_boot.py")
REPORT_TIMEOUT = 30.0


class TargetStartError(Exception):
    """The target could not be started; the message says why (shown to the user)."""


def debugpy_path_dir() -> str:
    """A directory holding only ``debugpy`` (a symlink), to append to a target's sys.path.

    Appending the adapter's whole site-packages would shadow the target's own packages
    with wheels built for another Python version.
    """
    import debugpy
    package = os.path.dirname(os.path.abspath(debugpy.__file__))
    base = os.path.join(tempfile.gettempdir(), f"apex-debugpy-{os.getuid()}-{debugpy.__version__}")
    link = os.path.join(base, "debugpy")
    if os.path.realpath(link) != os.path.realpath(package):
        os.makedirs(base, mode=0o700, exist_ok=True)
        tmp = f"{link}.{os.getpid()}.tmp"
        try:
            os.symlink(package, tmp)
            os.replace(tmp, link)
        except OSError:
            # Fall back to a private copy-free directory per process.
            base = tempfile.mkdtemp(prefix="apex-debugpy-")
            os.symlink(package, os.path.join(base, "debugpy"))
    return base


def interpreter_command(python: str | list[str] | None) -> list[str]:
    if python is None:
        return [sys.executable]
    command = shlex.split(python) if isinstance(python, str) and not os.path.exists(python) else (
        [python] if isinstance(python, str) else list(python))
    if not command:
        raise TargetStartError("`python` is empty")
    exe = command[0]
    resolved = exe if os.path.sep in exe else shutil.which(exe)
    if not resolved or not os.access(resolved, os.X_OK):
        raise TargetStartError(f"interpreter not found or not executable: {exe}")
    return [resolved] + command[1:]


def boot_argv(report_port: int, program: str | None, module: str | None,
              args: list[str]) -> list[str]:
    """``apex_dap_boot.py`` and its arguments (the "program" the harness boot runs)."""
    argv = [BOOT_SCRIPT, "--report", f"127.0.0.1:{report_port}"]
    argv += ["--module", module] if module else [program]
    return argv + list(args)


def interpreter_prefix(python: list[str]) -> list[str]:
    # frozen_modules=off: breakpoints in the stdlib work and pydevd does not warn.
    return list(python) + ["-X", "frozen_modules=off"]


def target_env(extra: dict[str, str | None], token: str, internal_console: bool) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["APEX_DAP_TOKEN"] = token
    env["APEX_DAP_DEBUGPY_DIR"] = debugpy_path_dir()
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    if internal_console:
        env.setdefault("PYTHONUNBUFFERED", "1")
        env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def die_with_parent() -> None:
    """In the child before exec: SIGKILL it if the adapter dies (even by SIGKILL).

    Graceful endings kill the process group themselves; this covers the adapter being
    killed outright, so a launched program is never left orphaned (Linux only).
    """
    try:
        import ctypes
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except Exception:
        pass


class ReportListener:
    """Loopback listener that waits for the boot script to say which port pydevd took."""

    def __init__(self, token: str):
        self.token = token
        self.report: asyncio.Future = asyncio.get_running_loop().create_future()
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._on_connection, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def _on_connection(self, reader, writer) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), 10)
            message = json.loads(line)
            if (isinstance(message, dict) and secrets.compare_digest(str(message.get("token", "")), self.token)
                    and not self.report.done()):
                self.report.set_result(message)
            else:
                log.warning("ignored a boot report without the session token")
        except (ValueError, asyncio.TimeoutError, OSError):
            log.warning("ignored a malformed boot report")
        finally:
            writer.close()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()


class Target:
    """The debuggee process (our child, or a process the editor started for us)."""

    def __init__(self, pid: int, process: asyncio.subprocess.Process | None = None,
                 own_group: bool = True):
        self.pid = pid
        self.process = process
        self.own_group = own_group
        self.exit_code: int | None = None

    async def wait(self) -> int | None:
        if self.process is not None:
            self.exit_code = await self.process.wait()
            return self.exit_code
        await wait_for_pid_exit(self.pid)
        return None

    def alive(self) -> bool:
        if self.process is not None:
            return self.process.returncode is None
        return pid_alive(self.pid)

    async def terminate(self, grace: float = 2.0) -> None:
        """SIGTERM the target's process group, then SIGKILL what is left after ``grace``."""
        if not self.alive():
            return
        self._signal(signal.SIGTERM)
        deadline = asyncio.get_running_loop().time() + grace
        while self.alive() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)  # bounded poll: no exit event for non-children
        self._signal(signal.SIGKILL)
        if self.process is not None:
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except asyncio.TimeoutError:
                log.error("target %s did not die after SIGKILL", self.pid)

    def kill_group(self) -> None:
        """Last resort on adapter exit: SIGKILL the target's group."""
        self._signal(signal.SIGKILL)

    def _signal(self, sig: int) -> None:
        try:
            if self.own_group:
                os.killpg(self.pid, sig)
            else:
                os.kill(self.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        import psutil
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except Exception:
        return True


async def wait_for_pid_exit(pid: int, interval: float = 0.2) -> None:
    # A process that is not our child gives no exit notification we can await.
    while pid_alive(pid):
        await asyncio.sleep(interval)


async def pump_output(stream: asyncio.StreamReader | None, category: str,
                      emit: Callable[[str, str], Any]) -> None:
    """Forward a pipe to ``emit(category, text)`` in chunks (not lines: prompts have none)."""
    if stream is None:
        return
    decoder_errors = "replace"
    while True:
        chunk = await stream.read(65536)
        if not chunk:
            return
        emit(category, chunk.decode("utf-8", decoder_errors))
