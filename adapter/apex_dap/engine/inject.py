"""Attach by pid: get debugpy (pydevd, token-protected) listening inside a running process.

This goes through the harness's injection (``apex_host``): the harness is injected, and
then asked to run ``target/apex_dap_boot.py``'s listener code in the target.
"""
from __future__ import annotations

import asyncio


class InjectError(Exception):
    pass


async def start_debugpy_in(pid: int) -> tuple[str, int, str, int]:
    """Return (host, port, token, pid) of a pydevd listener started inside ``pid``."""
    try:
        from apex_host import attach as host_attach  # noqa: F401
    except ImportError:
        raise InjectError("attach by processId needs apex_host.attach (harness injection), "
                          "which is not available in this build; start the program with "
                          "apex_harness.listen() or debugpy.listen() and use `connect`") from None
    return await asyncio.get_running_loop().run_in_executor(None, _inject_sync, pid)


def _inject_sync(pid: int) -> tuple[str, int, str, int]:
    raise InjectError("attach by processId is not wired to apex_host yet")
