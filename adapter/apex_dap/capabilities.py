"""What ``initialize`` advertises: only what works through Apex today.

Each entry is backed by debugpy (forwarded) or by Apex itself; tests/dap exercise them.
Not advertised: supportsStepBack (no history until recording lands), supportsRestartFrame
(hot reload issue), supportsRestartRequest, data breakpoints, memory, disassembly.
"""
from __future__ import annotations

from typing import Any

EXCEPTION_FILTERS = [
    {"filter": "raised", "label": "Raised Exceptions", "default": False,
     "description": "Break whenever an exception is raised."},
    {"filter": "uncaught", "label": "Uncaught Exceptions", "default": True,
     "description": "Break when an exception is not handled anywhere."},
    {"filter": "userUnhandled", "label": "User Uncaught Exceptions", "default": False,
     "description": "Break when an exception leaves user code into library code."},
]


def adapter_capabilities() -> dict[str, Any]:
    return {
        # forwarded to debugpy
        "supportsConfigurationDoneRequest": True,
        "supportsConditionalBreakpoints": True,
        "supportsHitConditionalBreakpoints": True,
        "supportsLogPoints": True,
        "supportsFunctionBreakpoints": True,
        "supportsEvaluateForHovers": True,
        "supportsCompletionsRequest": True,
        "supportsExceptionInfoRequest": True,
        "supportsExceptionOptions": True,
        "supportsDelayedStackTraceLoading": True,
        "supportsValueFormattingOptions": True,
        "supportsClipboardContext": True,
        "supportsModulesRequest": True,
        "supportsGotoTargetsRequest": True,
        "supportsStepInTargetsRequest": True,
        "exceptionBreakpointFilters": EXCEPTION_FILTERS,
        # Apex's own
        "supportsSetVariable": True,
        "supportsSetExpression": True,
        "supportsLoadedSourcesRequest": True,
        "supportTerminateDebuggee": True,
        "supportsTerminateRequest": True,
        # not yet
        "supportsStepBack": False,
        "supportsRestartFrame": False,
        "supportsRestartRequest": False,
    }
