"""Attach by pid: put the harness and pydevd (token-protected) into a running process.

One injection through apex_host (gdb, probed for safety first; ``sys.remote_exec`` on
3.14): the injected statement starts the harness's connection back to us and
``target/attach_boot.py``, which starts pydevd and reports its port. A program whose
harness already listens needs no injection: ``start_debugpy_through`` asks that harness
to start pydevd (``debugger.start``). Blocking apex_host calls run in a worker thread.
"""
from __future__ import annotations

import asyncio
import json
import os
import secrets
from typing import Any, Callable

from . import target as target_mod

TARGET_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "target")


class InjectError(Exception):
    pass


def injected_code(harness_address: str, harness_token: str, report_port: int,
                  token: str, debugpy_dir: str) -> str:
    """One statement: the harness dialling back + pydevd."""
    from apex_host import attach as host_attach
    harness = host_attach.injected_code(harness_address, harness_token)
    inner = ("try:\n"
             "    import sys\n"
             f"    if {TARGET_DIR!r} not in sys.path:\n"
             f"        sys.path.append({TARGET_DIR!r})\n"
             "    import attach_boot\n"
             f"    attach_boot.start('127.0.0.1', {report_port!r}, {token!r}, {debugpy_dir!r})\n"
             "except BaseException:\n"
             "    pass\n")
    return f"{harness}; exec({inner!r}, {{}})"


def _inject_sync(pid: int, code_for: Callable[[str, str], str], on_event) -> Any:
    from apex_host import attach as host_attach
    from apex_host import ptrace
    from apex_host.client import HarnessError, Listener

    if pid == os.getpid():
        raise InjectError("refusing to attach to the adapter itself")
    try:
        executable = os.readlink(f"/proc/{pid}/exe")
    except OSError as exc:
        raise InjectError(f"cannot inspect process {pid}: {exc.strerror}") from None
    problem = ptrace.problem(pid) or _guard_refusal(pid)
    if problem:
        raise InjectError(problem)
    listener = Listener.open()
    try:
        # The harness and pydevd go in together: one freeze of the program. inject_code
        # picks the route (gdb, probed for safety first; sys.remote_exec on 3.14+).
        try:
            host_attach.inject_code(pid, code_for(listener.address, listener.token),
                                    executable=executable, scratch_dir=listener.directory)
        except HarnessError as exc:
            raise InjectError(str(exc)) from None
        try:
            client = listener.accept(15.0, on_event=on_event,
                                     alive=lambda: os.path.exists(f"/proc/{pid}"))
        except HarnessError as exc:
            raise InjectError(f"the harness in process {pid} did not connect: {exc}") from None
        client._listener = listener
        return client
    except BaseException:
        listener.close()
        raise


def _guard_refusal(pid: int) -> str | None:
    """Why injecting cannot work in ``pid``: the runtime guard it was started under (its
    initial environment, which /proc keeps, holds APEX_HARNESS_GUARD) denies dynamic_code,
    and the injected statement is compiled from a string. Refused before freezing it."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            entries = handle.read().split(b"\0")
    except OSError:
        return None
    config = next((entry.split(b"=", 1)[1] for entry in entries
                   if entry.startswith(b"APEX_HARNESS_GUARD=")), None)
    if config is None:
        return None
    try:
        from apex_policy.runtime import RuntimePolicy
        guard = json.loads(config)
        if RuntimePolicy.from_dict(guard.get("policy") or {}).decide(
                "dynamic_code", "<string>") != "deny":
            return None
    except Exception:
        return None
    source = guard.get("source") or "its policy"
    return (f"process {pid} runs under Apex's runtime guard ({source}), which denies "
            f"dynamic_code: attaching by processId injects a "
            f"statement compiled from a string, which that guard refuses. Start the program "
            f"listening (apex_harness.listen(), or APEX_HARNESS_LISTEN with boot.py) and "
            f"attach with `connect` and `harness: true`, which the guard lets through.")


async def connect_harness(host: str, port: int, token: str, on_event) -> Any:
    """A HarnessClient for a program that called ``apex_harness.listen()``."""
    try:
        from apex_host.client import HarnessClient
    except ImportError:
        raise InjectError("connecting to a harness needs apex_host") from None
    loop = asyncio.get_running_loop()

    def deliver(event: dict) -> None:
        loop.call_soon_threadsafe(on_event, event)

    try:
        return await loop.run_in_executor(
            None, lambda: HarnessClient.connect(f"{host}:{port}", token, on_event=deliver))
    except Exception as exc:
        raise InjectError(str(exc)) from None


async def start_debugpy_through(harness: Any) -> tuple[str, int, str]:
    """(host, port, token) of a pydevd the connected harness started in its program
    (``debugger.start``: no gdb, and a runtime guard there exempts the debugger)."""
    from .harness_link import debugger_code
    token = secrets.token_hex(32)
    report = target_mod.ReportListener(token)
    report_port = await report.start()
    arguments = {"targetDir": TARGET_DIR, "reportPort": report_port, "token": token,
                 "debugpyDir": target_mod.debugpy_path_dir(), "exempt": debugger_code()}
    loop = asyncio.get_running_loop()
    try:
        try:
            await loop.run_in_executor(
                None, lambda: harness.request("debugger.start", arguments, timeout=15))
        except Exception as exc:
            raise InjectError(f"the harness could not start the debugger: {exc}") from None
        try:
            message = await asyncio.wait_for(report.report, 30)
        except asyncio.TimeoutError:
            raise InjectError("the debugger did not start in the program within 30 s (its "
                              "stderr may say why)") from None
    finally:
        report.close()
    return "127.0.0.1", message["port"], token


async def start_debugpy_in(pid: int, on_event) -> tuple[str, int, str, int, Any]:
    """Return (host, port, token, pid, harness client) for a pydevd started inside ``pid``
    (the harness and pydevd injected together)."""
    try:
        import apex_host.attach  # noqa: F401
    except ImportError:
        raise InjectError("attach by processId needs apex_host.attach (harness injection), "
                          "which is not available; start the program with debugpy.listen() "
                          "and use `connect`") from None
    token = secrets.token_hex(32)
    report = target_mod.ReportListener(token)
    report_port = await report.start()
    debugpy_dir = target_mod.debugpy_path_dir()
    loop = asyncio.get_running_loop()

    def deliver(event: dict) -> None:
        loop.call_soon_threadsafe(on_event, event)

    try:
        client = await loop.run_in_executor(None, lambda: _inject_sync(
            pid, lambda address, htoken: injected_code(address, htoken, report_port, token,
                                                       debugpy_dir), deliver))
        try:
            message = await asyncio.wait_for(report.report, 30)
        except asyncio.TimeoutError:
            client.close()
            raise InjectError(f"the debugger did not start in process {pid} within 30 s "
                              f"(its stderr may say why)") from None
    finally:
        report.close()
    return "127.0.0.1", message["port"], token, pid, client
