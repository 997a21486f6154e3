"""The mode policy shared by the language server, the debug adapter and the harness.

Standard library only: the harness imports it inside target interpreters.
"""
from .capabilities import CAPABILITIES, DEBUG_OPERATIONS, MODES

__all__ = ["CAPABILITIES", "DEBUG_OPERATIONS", "MODES"]
