"""The names every enforcer shares: modes, capabilities, debug operations."""
from __future__ import annotations

MODES = ("isolation", "development", "hybrid")

CAPABILITIES = (
    "network",
    "subprocess",
    "filesystem_write",
    "filesystem_read",
    "dynamic_code",
    "native_code",
    "deserialization",
    "environment",
    "threads",
)

DEBUG_OPERATIONS = ("attach", "time_travel", "evaluate", "state_edit", "hot_reload", "restart_frame")
