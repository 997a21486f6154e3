"""The server object: shared state and the few operations every handler needs.

Handlers live in one module per concern (``lifecycle``, ``settings``,
``documents``, ``pull``, ``code_actions``, ``hover``, ``commands``); each
exposes ``register(server)``.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import os

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from apex_lsp import __version__
from apex_lsp.analysis import FileResult

from .config import ServerConfig
from .project import ProjectState, Projects
from .protocol import ApexProtocol
from .pull import DiagnosticChanges
from .scheduler import AnalysisPool, DocumentResult, Scheduler

log = logging.getLogger(__name__)

STATUS_NOTIFICATION = "apex/status"


class ApexLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("apex", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=ApexProtocol)
        self.projects = Projects()
        self.pool = AnalysisPool()
        self.scheduler = Scheduler(self)
        #: Whether diagnostics are pushed; decided at initialize from the client's
        #: capabilities and the ``diagnostics.delivery`` setting.
        self.push_enabled = True
        self.pull_refresh = False
        self.supports_configuration = False
        self.supports_progress = False
        self.watch_registration = False
        self.status_sent: dict | None = None
        self.init_options = None
        self.init_errors: list[str] = []
        #: The mode chosen with apex.setMode for this session (over the policy file).
        self.session_mode: str | None = None
        #: uri -> (version, diagnostics) of open policy files.
        self.policy_results: dict[str, tuple] = {}
        #: Settings warnings already shown (each is shown once per session).
        self.warned: set[str] = set()
        #: Files the last workspace scan published diagnostics for.
        self.scan_published: set[str] = set()
        #: Wakes held workspace/diagnostic requests (long poll) when reports may change.
        self.diagnostic_changes = DiagnosticChanges()

    # -- documents ------------------------------------------------------------
    def open_document(self, uri: str) -> TextDocument | None:
        """The open document, or None (never reads the file from disk)."""
        try:
            docs = self.workspace.text_documents
        except RuntimeError:  # not initialized
            return None
        return docs.get(uri)

    def is_python(self, doc: TextDocument) -> bool:
        return (doc.language_id == "python" or doc.uri.endswith((".py", ".pyi"))) \
            and not doc.uri.endswith((".toml",))

    def project_for(self, path: str) -> ProjectState:
        return self.projects.for_path(path)

    def analyze_text(self, text: str, path: str) -> tuple[FileResult, set[str]]:
        """Runs on a worker thread: the findings and the files they may affect."""
        return self.project_for(path).analyze_with_dependents(text, path)

    def reanalyse_paths(self, paths: set[str]) -> None:
        """Open documents for these files need analysing again (cross-file taint)."""
        if not paths:
            return
        for uri, doc in list(self.workspace.text_documents.items()):
            if doc.path and os.path.abspath(doc.path) in paths and self.is_python(doc):
                self.scheduler.request(uri)

    async def index_workspace(self) -> None:
        """Index every workspace file for cross-file taint, then refresh open documents."""
        from .workspace_scan import workspace_roots
        generation = self.projects.generation
        try:
            # Its own thread, not the analysis pool: it yields to document analyses
            # (wait_idle) and must not hold a worker they need meanwhile.
            changed = await asyncio.to_thread(self.projects.index, workspace_roots(self),
                                              self.projects.config.scan.max_files,
                                              self.scheduler.wait_idle)
        except Exception:
            log.exception("indexing the workspace for cross-file taint failed")
            return
        # The modules, rule tables and the index live as long as the server: move them
        # out of the cyclic collector's reach, or every full collection (one every few
        # edits, after the analyzer's collection pause ends) traverses all of them again.
        gc.freeze()
        if changed and generation == self.projects.generation:
            for uri, doc in list(self.workspace.text_documents.items()):
                if self.is_python(doc):
                    self.scheduler.request(uri)

    # -- output ---------------------------------------------------------------
    def publish(self, result: DocumentResult) -> None:
        self.diagnostic_changes.notify()
        if not self.push_enabled:
            return
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=result.uri, version=result.version, diagnostics=result.diagnostics))

    def publish_file(self, uri: str, diagnostics: list[types.Diagnostic],
                     version: int | None = None) -> None:
        if self.push_enabled:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=version, diagnostics=diagnostics))

    def send_status(self, force: bool = False) -> dict:
        self.report_editor_problems()
        status = self.status()
        if force or status != self.status_sent:
            self.status_sent = status
            self.protocol.notify(STATUS_NOTIFICATION, status)
        return status

    def status(self) -> dict:
        state = self.project_for(os.path.join(self.root_path(), "__apex_status__.py"))
        return {"mode": state.mode, "policySource": state.source,
                "policySourceDescription": state.describe_source(),
                "modeOverride": self.projects.config.mode, "root": state.root,
                "problems": len(state.problems), "version": __version__}

    def report_editor_problems(self) -> None:
        """Invalid ``apex.policy`` values: no file to put a diagnostic in, so say it once."""
        state = self.project_for(os.path.join(self.root_path(), "__apex_status__.py"))
        for problem in state.problems:
            if problem.path.endswith(".toml"):
                continue  # shown as a diagnostic in the policy file
            message = f"Apex: {problem.path}: apex.policy.{problem.key}: {problem.message}"
            if message not in self.warned:
                self.warned.add(message)
                self.warn(message + "; that value is not used")

    def root_path(self) -> str:
        try:
            root = self.workspace.root_path
        except RuntimeError:
            root = None
        return root or os.getcwd()

    def warn(self, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Warning, message=message))

    # -- re-evaluation ----------------------------------------------------------
    def apply_config(self, config: ServerConfig) -> None:
        self.reevaluate(config)

    def reevaluate(self, config: ServerConfig | None = None) -> None:
        """Settings or policy changed: analyse every open document again."""
        from .policy_files import refresh_policy_documents
        self.projects.reset(config)
        self.diagnostic_changes.notify(disk=True)  # every resultId has a new generation
        for uri, doc in list(self.workspace.text_documents.items()):
            if self.is_python(doc):
                self.scheduler.request(uri)
        asyncio.ensure_future(self.index_workspace())
        refresh_policy_documents(self)
        if self.pull_refresh:
            self.workspace_diagnostic_refresh(None)
        self.send_status()

    def start_io(self, stdin=None, stdout=None) -> None:
        """stdio with stdin read on the event loop (no thread hop per message) when
        it is a pipe; pygls's threaded reader otherwise."""
        from .transports import serve_stdio
        if not serve_stdio(self, stdin, stdout):
            super().start_io(stdin, stdout)

    def stop_workers(self) -> None:
        self.pool.shutdown()


def create_server() -> ApexLanguageServer:
    from . import code_actions, commands, documents, hover, lifecycle, pull, settings

    server = ApexLanguageServer()
    for module in (lifecycle, settings, documents, pull, code_actions, hover, commands):
        module.register(server)
    return server
