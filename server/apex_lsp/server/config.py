"""The editor-side settings tree (``initializationOptions`` and the ``apex`` section
of ``workspace/configuration``), typed and defaulted.

Parsing never raises: every problem becomes a message for ``window/showMessage``
and the offending value falls back to its default, so a typo in an editor's
settings cannot take the server down.

Keys (camelCase as editors write them)::

    {
      "mode": "isolation" | "development" | "hybrid" | null,   # overrides the policy file
      "policy": { ...[tool.apex] keys... },                    # editor-level policy settings
      "diagnostics": {"delivery": "auto" | "push" | "pull",
                      "runOn": "change" | "save"},
      "scan": {"maxFiles": 20000},
      "largeFileBytes": 1000000
    }
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from apex_policy import MODES

#: Every setting, as documented in docs/lsp.md (a test keeps the two in step).
SETTING_KEYS = ("mode", "policy", "diagnostics.delivery", "diagnostics.runOn", "scan.maxFiles",
                "largeFileBytes")
DELIVERIES = ("auto", "push", "pull")
RUN_ON = ("change", "save")
SECTION = "apex"


@dataclass(frozen=True)
class DiagnosticsConfig:
    #: "auto" pulls when the client supports LSP 3.17 pull diagnostics, else pushes.
    delivery: str = "auto"
    #: "save" analyses only on open/save (for very slow machines).
    run_on: str = "change"


@dataclass(frozen=True)
class ScanConfig:
    max_files: int = 20000


@dataclass(frozen=True)
class ServerConfig:
    mode: str | None = None
    policy: Mapping[str, Any] = field(default_factory=dict)
    diagnostics: DiagnosticsConfig = field(default_factory=DiagnosticsConfig)
    scan: ScanConfig = field(default_factory=ScanConfig)
    #: Documents at least this big are analysed on their own worker, so they
    #: never hold up the small documents being edited.
    large_file_bytes: int = 1_000_000

    def with_mode(self, mode: str | None) -> "ServerConfig":
        return replace(self, mode=mode)


def parse_config(raw: Any) -> tuple[ServerConfig, list[str]]:
    """Build a config from untrusted JSON; return it with the problems found."""
    errors: list[str] = []
    if raw is None or (isinstance(raw, list) and not raw):
        # Lua clients encode an empty table as [] (Neovim's init_options = {}).
        return ServerConfig(), errors
    if not isinstance(raw, Mapping):
        return ServerConfig(), [f"apex settings must be an object, got {_kind(raw)}"]
    # Accept both {"apex": {...}} and the section itself.
    if SECTION in raw and isinstance(raw[SECTION], Mapping) and len(raw) == 1:
        raw = raw[SECTION]
    known = {key.split(".")[0] for key in SETTING_KEYS}
    for key in raw:
        if key not in known:
            errors.append(f"apex.{key}: unknown setting (expected one of "
                          f"{', '.join(sorted(known))})")

    mode = raw.get("mode")
    if mode is not None and mode not in MODES:
        errors.append(f"apex.mode: expected one of {', '.join(MODES)} or null, got {mode!r}")
        mode = None

    policy = raw.get("policy")
    if policy is None:
        policy = {}
    elif not isinstance(policy, Mapping):
        errors.append(f"apex.policy: expected an object of [tool.apex] keys, got {_kind(policy)}")
        policy = {}

    diag_raw = _section(raw, "diagnostics", errors)
    delivery = _choice(diag_raw, "delivery", DELIVERIES, "auto", "apex.diagnostics", errors)
    run_on = _choice(diag_raw, "runOn", RUN_ON, "change", "apex.diagnostics", errors)

    scan_raw = _section(raw, "scan", errors)
    max_files = _positive_int(scan_raw, "maxFiles", 20000, "apex.scan", errors)
    large = _positive_int(raw, "largeFileBytes", 1_000_000, "apex", errors)

    config = ServerConfig(mode=mode, policy=dict(policy),
                          diagnostics=DiagnosticsConfig(delivery=delivery, run_on=run_on),
                          scan=ScanConfig(max_files=max_files), large_file_bytes=large)
    return config, errors


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _section(raw: Mapping, key: str, errors: list[str]) -> Mapping:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors.append(f"apex.{key}: expected an object, got {_kind(value)}")
        return {}
    return value


def _choice(raw: Mapping, key: str, choices: tuple[str, ...], default: str, where: str,
            errors: list[str]) -> str:
    value = raw.get(key, default)
    if value not in choices:
        errors.append(f"{where}.{key}: expected one of {', '.join(choices)}, got {value!r}")
        return default
    return value


def _positive_int(raw: Mapping, key: str, default: int, where: str, errors: list[str]) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        errors.append(f"{where}.{key}: expected a positive integer, got {value!r}")
        return default
    return value
