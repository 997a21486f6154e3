"""The harness beside debugpy in a launched target (apex_host / apex_harness).

Launch runs ``apex_harness/boot.py`` with ``apex_dap_boot.py`` as its program: the
harness dials a private Unix socket first (so the session has a ``HarnessClient`` for
what debugpy cannot do: recording, hot reload, the runtime guard), then the Apex boot
starts pydevd and runs the user's program. The blocking apex_host calls run in a thread.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

log = logging.getLogger("apex_dap.harness")


def available() -> bool:
    try:
        import apex_host.client  # noqa: F401
        import apex_host.launch  # noqa: F401
    except ImportError:
        return False
    return True


class HarnessLaunch:
    """A Listener opened before the target starts, and the client once it dialled in."""

    def __init__(self, on_event: Callable[[dict], Any]):
        from apex_host.client import Listener
        self.listener = Listener.open()
        self.client = None
        self._on_event = on_event

    def command(self, python: list[str], boot_argv: list[str]) -> list[str]:
        from apex_host.launch import target_command
        return list(python) + target_command(boot_argv)[1:]

    def env(self, base: dict[str, str], guard: dict[str, Any] | None = None) -> dict[str, str]:
        from apex_host.launch import harness_env
        return harness_env(base, connect=self.listener.address, token=self.listener.token,
                           guard=guard)

    async def accept(self, alive: Callable[[], bool], timeout: float = 30.0):
        loop = asyncio.get_running_loop()

        def deliver(event: dict) -> None:
            loop.call_soon_threadsafe(self._on_event, event)

        self.client = await loop.run_in_executor(
            None, lambda: self.listener.accept(timeout, on_event=deliver, alive=alive))
        return self.client

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.close()
            except Exception:
                pass
        self.listener.close()


def runtime_guard(policy, audit_path: str | None) -> dict[str, Any]:
    """The runtime guard for a launched program: the session's policy (``SessionPolicy``),
    where its records go (the session's audit log, signed with the adapter's audit key
    even when the launch configuration changes HOME; False: none), and the debugger's own
    code, which the guard exempts (:func:`debugger_code`)."""
    from apex_policy.audit_anchor import state_dir

    return {"policy": policy.policy.to_runtime(), "source": policy.loaded.source,
            "auditLog": audit_path or False, "auditState": state_dir(),
            "debugger": debugger_code()}


def debugger_code() -> dict[str, Any]:
    """What a runtime guard exempts as the debugger: debugpy (also through the symlinked
    copy targets of other Python versions import) and Apex's helpers in ``target/``."""
    import os

    import debugpy

    from .inject import TARGET_DIR
    from .target import debugpy_path_dir
    return {"paths": [os.path.dirname(os.path.abspath(debugpy.__file__)),
                      os.path.join(debugpy_path_dir(), "debugpy"), TARGET_DIR],
            # target/frame_edit.py compiles a state edit's value here.
            "roots": ["_eval"]}
