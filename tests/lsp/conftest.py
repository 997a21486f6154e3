"""End-to-end fixtures: the real ``apex lsp`` process over stdio, driven by pytest-lsp.

Every test waits on events (notifications recorded by the client handlers below),
never on sleeps: :func:`until` re-checks a condition each time the client
receives something.
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Callable

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "apex_cli", "lsp"]
if os.environ.get("APEX_LSP_TEST_LOG"):  # debugging aid: the servers' warnings and errors
    SERVER += ["--log-file", os.environ["APEX_LSP_TEST_LOG"], "--log-level", "WARNING"]
STATUS = "apex/status"
#: Generous: a loaded CI machine with 2 cores; tests normally finish in well under 1 s.
DEADLINE = 60.0


def server_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _wake(client) -> None:
    for fut in client.waiters:
        if not fut.done():
            fut.set_result(None)
    client.waiters.clear()


def as_dict(value):
    """pygls hands untyped JSON objects over as namedtuples; tests compare dicts."""
    if hasattr(value, "_asdict"):
        return {k: as_dict(v) for k, v in value._asdict().items()}
    if isinstance(value, list):
        return [as_dict(v) for v in value]
    return value


def make_client() -> LanguageClient:
    """pytest-lsp's client, recording every notification and answering the
    server's own requests (registerCapability, applyEdit)."""
    client = LanguageClient(converter_factory=default_converter)
    client.waiters = []
    client.published = []
    client.statuses = []
    client.registrations = []
    client.applied_edits = []
    features = dict(DEFAULT_CLIENT_FEATURES)
    default_publish = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    default_progress = features[types.PROGRESS]
    default_message = features[types.WINDOW_SHOW_MESSAGE]

    def publish(ls, params: types.PublishDiagnosticsParams):
        default_publish(ls, params)
        ls.published.append(params)
        _wake(ls)

    def progress(ls, params: types.ProgressParams):
        default_progress(ls, params)
        _wake(ls)

    def show_message(ls, params):
        default_message(ls, params)
        _wake(ls)

    def status(ls, params):
        ls.statuses.append(as_dict(params))
        _wake(ls)

    def register_capability(ls, params: types.RegistrationParams):
        ls.registrations.extend(params.registrations)
        _wake(ls)

    def apply_edit(ls, params: types.ApplyWorkspaceEditParams):
        ls.applied_edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    features.update({
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish, types.PROGRESS: progress,
        types.WINDOW_SHOW_MESSAGE: show_message, STATUS: status,
        types.CLIENT_REGISTER_CAPABILITY: register_capability,
        types.WORKSPACE_APPLY_EDIT: apply_edit})
    register_lsp_features(client, features)
    return client


async def until(client, predicate: Callable[[], object], timeout: float = DEADLINE):
    """Wait until ``predicate()`` is truthy, re-checking on every notification."""
    async def wait():
        while not (value := predicate()):
            fut = asyncio.get_running_loop().create_future()
            client.waiters.append(fut)
            await fut
        return value
    return await asyncio.wait_for(wait(), timeout)


def push_capabilities() -> types.ClientCapabilities:
    """A client without pull diagnostics (Neovim 0.7, eglot 1.9): the server pushes."""
    return types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        workspace=types.WorkspaceClientCapabilities(
            configuration=True,
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True),
            workspace_edit=types.WorkspaceEditClientCapabilities(
                document_changes=True,
                resource_operations=[types.ResourceOperationKind.Create])),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                version_support=True, related_information=True,
                code_description_support=True, tag_support=types.ClientDiagnosticsTagOptions(
                    value_set=[types.DiagnosticTag.Unnecessary])),
            hover=types.HoverClientCapabilities(
                content_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText])))


def pull_capabilities() -> types.ClientCapabilities:
    """An LSP 3.17 client (VS Code): pulls diagnostics, so the server does not push."""
    caps = push_capabilities()
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(
        related_document_support=True)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
        refresh_support=True)
    return caps


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return root


@pytest_asyncio.fixture
async def start(workspace: Path):
    """A factory: ``await start(capabilities=..., options=..., configuration=...)``."""
    clients: list[LanguageClient] = []

    async def factory(capabilities: types.ClientCapabilities | None = None,
                      options: dict | None = None, configuration: dict | None = None,
                      root: Path | None = None) -> LanguageClient:
        root = root or workspace
        config = ClientServerConfig(server_command=SERVER, server_env=server_env(),
                                    client_factory=make_client)
        client = await config.start()
        clients.append(client)
        if configuration is not None:
            client.set_configuration(configuration)
        client.init_result = await client.initialize_session(types.InitializeParams(
            capabilities=capabilities or push_capabilities(), root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options))
        # The server announces its status once it is ready (after workspace/configuration).
        await until(client, lambda: client.statuses)
        return client

    yield factory
    for client in clients:
        try:
            if client._server is not None and client._server.returncode is None:
                await asyncio.wait_for(client.shutdown_session(), DEADLINE)
        finally:
            await client.stop()


@pytest_asyncio.fixture
async def client(start) -> LanguageClient:
    return await start()
