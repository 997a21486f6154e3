"""Runs inside the target process. Standard library only; supports Python 3.9+.

Public API (like ``debugpy.listen``)::

    import apex_harness
    address = apex_harness.listen(port=0, token="...")   # -> "tcp:127.0.0.1:PORT"

An adapter then connects to that address and sends the token in its hello. Or set
``APEX_HARNESS_LISTEN=host:port`` and ``APEX_HARNESS_TOKEN`` and start the program
through ``apex_harness/boot.py`` or the ``sitecustomize`` in ``apex_harness/_site``.
"""
from __future__ import annotations

__version__ = "0.1.0"

_ENDPOINTS = []


def listen(host: str = "127.0.0.1", port: int = 0, token=None, unix_path=None) -> str:
    """Accept adapters on ``host:port`` (or a Unix socket); returns the bound address.

    A token is required: pass one, or set ``APEX_HARNESS_TOKEN``. Binds loopback
    unless ``host`` says otherwise.
    """
    import os

    from . import agent

    token = token or os.environ.get("APEX_HARNESS_TOKEN")
    if not token:
        raise ValueError("apex_harness.listen needs a token (argument or APEX_HARNESS_TOKEN)")
    endpoint = agent.start_listen(host, port, token, unix_path=unix_path)
    _started(endpoint)
    return endpoint.address


def connect(address: str, token: str, timeout: float = 10.0) -> str:
    """Dial an adapter listening on ``address`` (``unix:/path`` or ``host:port``)."""
    from . import agent

    endpoint = agent.start_connect(address, token, timeout)
    _started(endpoint)
    return endpoint.address


def _started(endpoint) -> None:
    from . import marker

    _ENDPOINTS.append(endpoint)
    marker.announce()


def emit(event: str, body=None) -> bool:
    """Send an event to every connected adapter; False when nobody is listening."""
    sent = False
    for endpoint in list(_ENDPOINTS):
        session = endpoint.session
        if session is not None and not session.closed.is_set():
            sent = session.emit(event, body) or sent
    return sent


def endpoints():
    return [(e.mode, e.address) for e in _ENDPOINTS if not e.stopped.is_set()]
