"""initialize / initialized / shutdown, and the parent-process watch."""
from __future__ import annotations

import asyncio
import logging
import os
import sys

from lsprotocol import types

from .config import parse_config

log = logging.getLogger(__name__)

#: How often to check that the editor that started us is still alive.
PARENT_POLL_SECONDS = 2.0


def register(server) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls, params: types.InitializeParams) -> None:
        caps = params.capabilities
        config, errors = parse_config(params.initialization_options)
        ls.init_errors = errors
        ls.init_options = params.initialization_options
        ls.projects.reset(config)
        text_caps = caps.text_document
        ws_caps = caps.workspace
        client_pulls = bool(text_caps and text_caps.diagnostic)
        delivery = config.diagnostics.delivery
        ls.push_enabled = delivery == "push" or (delivery == "auto" and not client_pulls)
        ls.pull_refresh = bool(not ls.push_enabled and ws_caps and ws_caps.diagnostics
                               and ws_caps.diagnostics.refresh_support)
        ls.supports_configuration = bool(ws_caps and ws_caps.configuration)
        ls.supports_progress = bool(caps.window and caps.window.work_done_progress)
        ls.watch_registration = bool(ws_caps and ws_caps.did_change_watched_files
                                     and ws_caps.did_change_watched_files.dynamic_registration)
        if params.process_id:
            asyncio.ensure_future(watch_parent(ls, params.process_id))

    @server.feature(types.INITIALIZED)
    async def initialized(ls, params: types.InitializedParams) -> None:
        for message in ls.init_errors:
            ls.warn(f"Apex: {message}; using the default")
        if ls.watch_registration:
            await _register_policy_watchers(ls)
        from .settings import pull_configuration
        await pull_configuration(ls)
        ls.send_status(force=True)
        asyncio.ensure_future(ls.index_workspace())

    @server.feature(types.SHUTDOWN)
    def shutdown(ls, params) -> None:
        ls.stop_workers()

    @server.feature(types.EXIT)
    def exit_(ls, params) -> None:
        # Exit now: a worker still analysing a huge file must not keep the process
        # alive (interpreter exit would join the pool's threads).
        exit_now(0 if ls.protocol._shutdown else 1)


def exit_now(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


async def _register_policy_watchers(ls) -> None:
    watchers = [types.FileSystemWatcher(glob_pattern=pattern)
                for pattern in ("**/pyproject.toml", "**/apex.toml", "**/*.py")]
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[
            types.Registration(
                id="apex-policy-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=watchers))]))
    except Exception:  # the client may refuse; policy edits then need a restart or a command
        # (and files edited outside the editor reach cross-file taint on the next scan)
        log.warning("client refused to watch policy files", exc_info=True)
        ls.watch_registration = False  # no change on disk will be announced


def parent_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        import psutil
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except ImportError:
        pass
    except Exception:  # NoSuchProcess, AccessDenied on exotic systems
        return _signal_zero(pid)
    return _signal_zero(pid)


def _signal_zero(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


async def watch_parent(ls, pid: int) -> None:
    """Exit when the editor process that started us is gone (orphaned server)."""
    while True:
        await asyncio.sleep(PARENT_POLL_SECONDS)
        if not parent_alive(pid):
            log.warning("parent process %d is gone; exiting", pid)
            ls.stop_workers()
            exit_now(0)
