"""Small helpers for driving documents through the real protocol."""
from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from conftest import until

PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


def open_doc(client, path: Path, text: str, version: int = 1, language: str = "python",
             write: bool = True) -> str:
    if write:
        path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version,
                                             text=text)))
    return uri


def replace_all(client, uri: str, old: str, new: str, version: int) -> None:
    """An incremental change replacing the whole old text (range-based, not full sync)."""
    lines = old.split("\n")
    end = types.Position(line=len(lines) - 1, character=len(lines[-1]))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=0, character=0), end=end), text=new)]))


def insert(client, uri: str, line: int, character: int, text: str, version: int) -> None:
    pos = types.Position(line=line, character=character)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=pos, end=pos), text=text)]))


def last_publish(client, uri: str):
    for params in reversed(client.published):
        if params.uri == uri:
            return params
    return None


async def diagnostics_for(client, uri: str, version: int | None = None,
                          after: int = 0) -> list[types.Diagnostic]:
    """Wait for a publish for ``uri`` (at ``version``, if given) after index ``after``."""
    def found():
        for params in client.published[after:]:
            if params.uri == uri and (version is None or params.version == version):
                return params
        return None
    params = await until(client, found)
    return list(params.diagnostics)


def codes(diagnostics) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (ASCII text assumed) the way an editor does: back to front."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(pos: types.Position) -> int:
        if pos.line >= len(lines):
            return len(text)
        return offsets[pos.line] + min(pos.character, len(lines[pos.line]))

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits),
                   reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_for(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    if edit.changes and uri in edit.changes:
        return list(edit.changes[uri])
    out = []
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            out.extend(change.edits)
    return out


async def code_actions(client, uri: str, line: int, diagnostics=(), only=None,
                       end_line: int | None = None):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(line=line, character=0),
                          end=types.Position(line=end_line if end_line is not None else line,
                                             character=0)),
        context=types.CodeActionContext(diagnostics=list(diagnostics), only=only))) or []


async def raw_request(client, method: str, params) -> object:
    """Send a request exactly as given (bypassing the client's typed serialisation),
    to check how the server answers malformed input."""
    import asyncio
    import json
    import uuid
    from concurrent.futures import Future

    msg_id = f"raw-{uuid.uuid4()}"
    future: Future = Future()
    client.protocol._request_futures[msg_id] = future
    body = json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method,
                       "params": params}).encode()
    client._server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    return await asyncio.wrap_future(future)


async def publish_where(client, uri: str, predicate, after: int = 0) -> list:
    """Wait for a publish for ``uri`` after index ``after`` whose diagnostics satisfy
    ``predicate``; other publishes (e.g. from the background workspace index finishing)
    may come first."""
    def found():
        for params in client.published[after:]:
            if params.uri == uri and predicate(list(params.diagnostics)):
                return params
        return None
    return list((await until(client, found)).diagnostics)
