"""pytest-lsp fixtures: the real `apex lsp` process over stdio, one per test."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, make_test_lsp_client

SERVER = [sys.executable, "-m", "apex_cli", "lsp"]
STATUS = "apex/status"


def make_client() -> LanguageClient:
    """pytest-lsp's client plus the requests our server sends that it lacks."""
    client = make_test_lsp_client()
    client.registrations = []
    client.statuses = []
    client.applied_edits = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(ls, params: types.RegistrationParams):
        ls.registrations.extend(params.registrations)

    @client.feature(STATUS)
    def status(ls, params):
        ls.statuses.append(params)

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(ls, params: types.ApplyWorkspaceEditParams):
        ls.applied_edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    return client


def server_env(tmp_path: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


def push_capabilities() -> types.ClientCapabilities:
    """A client without pull diagnostics (Neovim 0.7, eglot): the server pushes."""
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
                    value_set=[types.DiagnosticTag.Unnecessary]))))


def pull_capabilities() -> types.ClientCapabilities:
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


async def start(workspace: Path, capabilities: types.ClientCapabilities,
                options: dict | None = None, configuration: dict | None = None
                ) -> LanguageClient:
    config = ClientServerConfig(server_command=SERVER, server_env=server_env(),
                                client_factory=make_client)
    client = await config.start()
    if configuration is not None:
        client.set_configuration(configuration)
    await client.initialize_session(types.InitializeParams(
        capabilities=capabilities, root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        initialization_options=options))
    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=server_env(),
                                client_factory=make_client))
async def client(lsp_client: LanguageClient, workspace: Path):
    """A push-diagnostics client (the common case in editors without LSP 3.17 pull)."""
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=push_capabilities(), root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")]))
    yield
    await lsp_client.shutdown_session()
