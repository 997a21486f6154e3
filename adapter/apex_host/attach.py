"""Attach to a running Python process by pid: put the harness inside and connect to it.

    client = attach(pid)            # -> HarnessClient, or AttachError with a clear reason

Routes (``choose_route``):

* Python 3.14+ with ``sys.remote_exec`` (PEP 768): the target's own interpreter runs
  ``sys.remote_exec(pid, script)``; the target runs it at its next safe point.
* otherwise gdb (``gdb_inject.py`` picks pending call vs. taking the GIL). gdb is
  probed on a throwaway child first: the Debian gdb 13.1 corrupts targets on CPUs with
  AMX state, and we refuse rather than risk the user's process.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import ADAPTER_DIR
from . import ptrace
from .client import HarnessClient, HarnessError, Listener
from .processes import interpreter_version

GDB_INJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gdb_inject.py")
GDB_TIMEOUT = 30.0
INSTALL_HINT = ("install a working gdb: `pip install gdb-for-pwndbg` into Apex's environment "
                "(scripts/setup does this), or point APEX_GDB at one")


class AttachError(HarnessError):
    def __init__(self, message: str, error: str = "attach_failed") -> None:
        super().__init__(message, error)


# -- route selection -------------------------------------------------------------

def choose_route(version: tuple[int, ...] | None, has_remote_exec: bool) -> str:
    """``remote_exec`` for targets that have PEP 768, else ``gdb``."""
    if version is not None and tuple(version[:2]) >= (3, 14) and has_remote_exec:
        return "remote_exec"
    return "gdb"


def _version_tuple(text: str | None) -> tuple[int, ...] | None:
    try:
        return tuple(int(p) for p in text.split(".")[:2]) if text else None
    except ValueError:
        return None


def _has_remote_exec(executable: str) -> bool:
    try:
        out = subprocess.run([executable, "-I", "-S", "-c",
                              "import sys; print(hasattr(sys, 'remote_exec'))"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.stdout.strip() == "True"


# -- gdb ----------------------------------------------------------------------------

def gdb_candidates() -> list[str]:
    """``APEX_GDB`` alone when set (an explicit choice); else the gdb installed next to
    this interpreter (gdb-for-pwndbg), then the one on PATH."""
    if os.environ.get("APEX_GDB"):
        return [os.environ["APEX_GDB"]]
    found = []
    for path in (os.path.join(os.path.dirname(sys.executable), "gdb"), shutil.which("gdb")):
        if path and os.access(path, os.X_OK) and path not in found:
            found.append(path)
    return found


PROBE_CHILD = "import sys; sys.stdin.readline(); print('alive', flush=True)"


@functools.lru_cache(maxsize=8)
def probe_gdb(gdb: str, python: str) -> str | None:
    """None if ``gdb`` can call into a throwaway ``python`` child and leave it healthy."""
    child = subprocess.Popen([python, "-I", "-S", "-c", PROBE_CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.05)     # let the child reach its blocking read
        try:
            out = subprocess.run([gdb, "-nx", "-batch", "-p", str(child.pid),
                                  "-ex", "print (int)getpid()"],
                                 capture_output=True, text=True, timeout=GDB_TIMEOUT)
        except subprocess.TimeoutExpired:
            return f"{gdb} hung attaching to a test process"
        except OSError as exc:
            return f"cannot run {gdb}: {exc.strerror}"
        text = out.stdout + out.stderr
        if "ptrace" in text and "not permitted" in text:
            return "ptrace is not permitted: " + (ptrace.problem(child.pid) or text.strip())
        if f"= {child.pid}" not in out.stdout:
            return f"{gdb} could not call a function in a test process: " + \
                " ".join(text.split())[:300]
        try:
            stdout, stderr = child.communicate("\n", timeout=10)
        except subprocess.TimeoutExpired:
            return f"a test process did not resume after {gdb} detached"
        if child.returncode != 0 or stdout.strip() != "alive":
            return (f"{gdb} corrupted a test process (it exited with {child.returncode}: "
                    f"{' '.join(stderr.split())[:200]}); this gdb is unsafe on this CPU")
        return None
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


def find_working_gdb(python: str) -> str:
    reasons = []
    for gdb in gdb_candidates():
        problem = probe_gdb(gdb, python)
        if problem is None:
            return gdb
        reasons.append(problem)
    if not reasons:
        raise AttachError(f"no gdb found; {INSTALL_HINT}", "no_gdb")
    raise AttachError("refusing to attach: no gdb passed the safety probe on a throwaway "
                      f"process ({'; '.join(reasons)}); {INSTALL_HINT}", "gdb_unsafe")


def injected_code(address: str, token: str) -> str:
    """One statement that binds no names in the target's ``__main__``."""
    inner = ("try:\n"
             "    import sys\n"
             f"    if {ADAPTER_DIR!r} not in sys.path:\n"
             f"        sys.path.append({ADAPTER_DIR!r})\n"
             "    from apex_harness import attached\n"
             f"    attached.start({address!r}, {token!r})\n"
             "except BaseException:\n"
             "    pass\n")
    return f"exec({inner!r}, {{}})"


def _run_gdb(gdb: str, pid: int, code: str) -> dict:
    env = {**os.environ, "APEX_INJECT_CODE": code}
    try:
        out = subprocess.run([gdb, "-nx", "-batch", "-p", str(pid), "-x", GDB_INJECT],
                             capture_output=True, text=True, timeout=GDB_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return {"route": "error", "message": f"gdb did not finish within {GDB_TIMEOUT:g} s"}
    for line in out.stdout.splitlines():
        if line.startswith("APEX-RESULT "):
            return json.loads(line[len("APEX-RESULT "):])
    text = " ".join((out.stdout + out.stderr).split())
    if "not permitted" in text:
        return {"route": "error", "message": "ptrace: operation not permitted. "
                + (ptrace.problem(pid) or "")}
    return {"route": "error", "message": f"gdb failed: {text[:400]}"}


# -- attach ---------------------------------------------------------------------------

def inject_code(pid: int, code: str, *, executable: str | None = None,
                route: str | None = None, scratch_dir: str | None = None) -> str:
    """Run one statement of Python (``code``) inside ``pid``, the safe way.

    Returns how: ``"direct"`` (ran before returning), ``"pending"`` (queued for the next
    safe point) or ``"sys.remote_exec"``. Raises AttachError (gdb unsafe or missing,
    ptrace refused, injection failed). For code that must come with the harness in the
    same freeze of the program (the debug adapter's pydevd), use this instead of attach().
    """
    executable = executable or _target_executable(pid)
    if route is None:
        version = _version_tuple(interpreter_version(executable, pid))
        route = choose_route(version, version is not None and version >= (3, 14)
                             and _has_remote_exec(executable))
    if route == "remote_exec":
        directory = scratch_dir or tempfile.mkdtemp(prefix="apex-inject-")
        _remote_exec(executable, pid, code, directory)
        return "sys.remote_exec"
    gdb = find_working_gdb(executable)
    result = {"route": "retry"}
    for attempt in range(10):       # stopped inside malloc: let it run a bit, try again
        result = _run_gdb(gdb, pid, code)
        if result["route"] != "retry":
            break
        time.sleep(0.02 * (attempt + 1))
    if result["route"] in ("error", "retry"):
        raise AttachError(f"could not inject into process {pid}: "
                          f"{result.get('message') or result.get('reason')}")
    return result["route"]


def _target_executable(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError as exc:
        raise AttachError(f"cannot inspect process {pid}: {exc.strerror}", "no_process") \
            from None


def attach(pid: int, timeout: float = 10.0, on_event=None) -> HarnessClient:
    """Inject the harness into ``pid`` and return a connected client."""
    if pid == os.getpid():
        raise AttachError("refusing to attach to apex itself")
    executable = _target_executable(pid)
    problem = ptrace.problem(pid)
    if problem:
        raise AttachError(problem, "ptrace_denied")
    version = _version_tuple(interpreter_version(executable, pid))
    route = choose_route(version, version is not None and version >= (3, 14)
                         and _has_remote_exec(executable))
    listener = Listener.open()
    try:
        code = injected_code(listener.address, listener.token)
        alive = lambda: os.path.exists(f"/proc/{pid}")  # noqa: E731
        how = inject_code(pid, code, executable=executable, route=route,
                          scratch_dir=listener.directory)
        try:
            client = listener.accept(timeout, on_event=on_event, alive=alive)
        except HarnessError as exc:
            if exc.error == "target_exited":
                raise AttachError(f"process {pid} exited during the attach", "target_exited") \
                    from None
            if how == "pending":
                raise AttachError(
                    f"process {pid} did not reach a safe point within {timeout:g} s: its main "
                    "thread holds the GIL inside a long C call. The harness is queued and "
                    "will start when it returns to Python (it will find no adapter and stay "
                    "idle); try again then.", "timeout") from None
            raise AttachError(f"the harness in process {pid} did not connect within "
                              f"{timeout:g} s ({how})", "timeout") from None
        client.attach_route = how
        client._listener = listener        # closed with the client's owner
        return client
    except BaseException:
        listener.close()
        raise


def _remote_exec(executable: str, pid: int, code: str, directory: str) -> None:
    fd, script = tempfile.mkstemp(suffix=".py", dir=directory)
    with os.fdopen(fd, "w") as handle:
        handle.write(code + "\n")
    os.chmod(script, 0o644)
    os.chmod(directory, 0o755)    # the target (maybe another user) must read the script
    out = subprocess.run([executable, "-I", "-S", "-c",
                          "import sys; sys.remote_exec(int(sys.argv[1]), sys.argv[2])",
                          str(pid), script], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise AttachError(f"sys.remote_exec failed: {' '.join(out.stderr.split())[:300]}")
