"""How features add requests to the adapter without editing the session.

A feature module in ``apex_dap/features/`` registers handlers and the capabilities they
make true::

    from apex_dap import extensions

    @extensions.request("apexHotReload")
    async def hot_reload(session, request):
        session.gate("hot_reload", "apexHotReload")
        return await extensions.harness_request(session, "reload.apply", request.arguments)

    extensions.capability("supportsRestartFrame", True)   # only once it really works

Routing order for a request: the session's interceptors (e.g. a time-travel view that
answers ``stackTrace`` from history while the user looks at the past), then a registered
extension handler, then the session's own ``<command>_request``, then debugpy.
"""
from __future__ import annotations

import asyncio
import importlib
import pkgutil
from typing import Any, Awaitable, Callable

Handler = Callable[[Any, Any], Awaitable[Any]]

_REQUESTS: dict[str, Handler] = {}
_CAPABILITIES: dict[str, Any] = {}
_loaded = False


def request(command: str) -> Callable[[Handler], Handler]:
    def decorate(fn: Handler) -> Handler:
        _REQUESTS[command] = fn
        return fn
    return decorate


def capability(name: str, value: Any) -> None:
    _CAPABILITIES[name] = value


def load() -> None:
    """Import every module in ``apex_dap.features`` once (they register at import)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from . import features
    for info in pkgutil.iter_modules(features.__path__):
        importlib.import_module(f"{features.__name__}.{info.name}")


def handler(command: str) -> Handler | None:
    load()
    return _REQUESTS.get(command)


def commands() -> list[str]:
    load()
    return sorted(_REQUESTS)


def capabilities() -> dict[str, Any]:
    load()
    return dict(_CAPABILITIES)


async def harness_request(session: Any, command: str, arguments: dict | None = None,
                          timeout: float = 30.0) -> dict:
    """Ask the harness in the program (blocking client, run in a worker thread)."""
    from .protocol.server import RequestError
    if session.harness is None:
        raise RequestError(f"{command}: this session has no harness in the program "
                           f"(launch, or attach by processId)")
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(
            None, lambda: session.harness.request(command, arguments or {}, timeout=timeout))
    except Exception as exc:
        raise RequestError(f"the harness in the program did not answer {command}: {exc}") \
            from None
