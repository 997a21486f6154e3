"""The request registry: other harness modules add commands without editing the dispatcher.

    from apex_harness import handlers

    @handlers.register("recorder.start")
    def start(arguments, session):
        return {"started": True}

A handler gets the request's ``arguments`` dict and the live session (``session.emit``
sends events) and returns the response body (a JSON-able dict). It runs on the
harness I/O thread, in request order, so it must not block for long. Raise
``HandlerError`` for a refusal the client should see as a message; any other
exception becomes an ``internal_error`` response and the harness keeps serving.

A command ``<name>.<verb>`` not registered yet is resolved by importing
``apex_harness.<name>`` (which registers its handlers at import): an idle harness
imports nothing it has not been asked for.
"""
from __future__ import annotations

import importlib

_REGISTRY = {}


class HandlerError(Exception):
    """A refusal reported to the client: ``error`` is a short code, the text a sentence."""

    def __init__(self, message: str, error: str = "refused") -> None:
        super().__init__(message)
        self.error = error


def register(name: str):
    """Decorator registering ``fn(arguments, session) -> dict`` under ``name``."""
    def decorate(fn):
        _REGISTRY[name] = fn
        return fn
    return decorate


def commands():
    return sorted(_REGISTRY)


def lookup(name: str):
    fn = _REGISTRY.get(name)
    if fn is None and "." in name:
        module = name.split(".", 1)[0]
        if module.isidentifier() and not module.startswith("__"):
            try:
                importlib.import_module("apex_harness." + module)
            except ImportError:
                return None
            fn = _REGISTRY.get(name)
    return fn
