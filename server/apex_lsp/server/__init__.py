"""The Apex language server: the pygls layer over the analyzer and the mode policy.

``app`` holds the server object; each LSP concern has its own module of thin
handlers (``documents``, ``pull``, ``code_actions``, ``hover``, ``commands``,
``workspace_scan``, ``settings``, ``policy_files``, ``lifecycle``), and the
translation helpers (``convert``, ``suppression``, ``policy_edits``,
``project``) know nothing about handlers.
"""
from .app import ApexLanguageServer, create_server

__all__ = ["ApexLanguageServer", "create_server"]
