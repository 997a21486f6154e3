"""The mode policy shared by the language server, the debug adapter and the harness.

Standard library only: the harness imports it inside target interpreters
(Python 3.9+). The names below load on first use, so ``import
apex_policy.runtime`` or ``apex_policy.audit`` pulls in nothing else.
"""
from __future__ import annotations

from typing import Any

from .capabilities import CAPABILITIES, DEBUG_OPERATIONS, MODES

_LAZY = {
    "load_settings": "loader", "load_policy_file": "loader", "find_policy_file": "loader",
    "LoadedSettings": "loader", "SettingsError": "loader", "Origin": "loader",
    "Settings": "model", "Policy": "model", "CapabilityRule": "model", "Permission": "model",
    "Limits": "model", "AuditSettings": "model", "GateDecision": "model",
    "AnalysisSettings": "analysis_settings", "TaintSettings": "analysis_settings",
    "RuntimePolicy": "runtime", "AuditLog": "audit", "verify": "audit",
    "ModeController": "switching", "SwitchResult": "switching",
    "settings_schema": "schema",
}

__all__ = ["CAPABILITIES", "DEBUG_OPERATIONS", "MODES", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'apex_policy' has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
