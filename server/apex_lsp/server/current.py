"""The latest analysis of an open document, for requests that read findings."""
from __future__ import annotations

from pygls.exceptions import JsonRpcInvalidParams

from .convert import Positions


async def current_analysis(ls, uri: str):
    """``(document, result, positions)`` for an open Python document, ``None`` for other
    languages; an unknown document is the client's error."""
    doc = ls.open_document(uri)
    if doc is None:
        raise JsonRpcInvalidParams(f"document is not open: {uri}")
    if not ls.is_python(doc):
        return None
    result = await ls.scheduler.wait_current(uri)
    if result is None:
        return None
    return doc, result, Positions(result.text, doc.position_codec)


def to_server(positions: Positions, position):
    """A client position as a 1-based (line, column), or the client's error."""
    try:
        return positions.to_server(position)
    except ValueError as exc:
        raise JsonRpcInvalidParams(str(exc)) from None
