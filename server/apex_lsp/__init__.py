"""Apex language server and the security analyzer it runs."""
__version__ = "0.1.0"
