"""Each mode's built-in defaults. ``docs/policy.md`` is generated from these tables.

A value here is the starting point; a policy file, the editor and the command
line override it key by key.
"""
from __future__ import annotations

from typing import Any, Dict, Tuple

from .capabilities import CAPABILITIES, DEBUG_OPERATIONS

#: mode -> capability -> (action, allowed scopes)
CAPABILITY_DEFAULTS: Dict[str, Dict[str, Tuple[str, Tuple[str, ...]]]] = {
    "isolation": {
        "network": ("deny", ()),
        "subprocess": ("deny", ()),
        "filesystem_write": ("deny", (".apex/tmp",)),
        "filesystem_read": ("allow", ()),
        "dynamic_code": ("deny", ()),
        "native_code": ("deny", ()),
        "deserialization": ("deny", ()),
        "environment": ("audit", ()),
        "threads": ("allow", ()),
    },
    "development": {name: ("allow", ()) for name in CAPABILITIES},
    "hybrid": {
        "network": ("audit", ("localhost", "127.0.0.0/8", "::1")),
        "subprocess": ("audit", ()),
        "filesystem_write": ("audit", ("**",)),
        "filesystem_read": ("allow", ()),
        "dynamic_code": ("audit", ()),
        "native_code": ("audit", ()),
        "deserialization": ("audit", ()),
        "environment": ("allow", ()),
        "threads": ("allow", ()),
    },
}

#: mode -> debug operation -> allow | permission | deny
DEBUG_DEFAULTS: Dict[str, Dict[str, str]] = {
    "isolation": {"attach": "allow", "time_travel": "allow", "evaluate": "deny",
                  "state_edit": "deny", "hot_reload": "deny", "restart_frame": "deny"},
    "development": {name: "allow" for name in DEBUG_OPERATIONS},
    "hybrid": {"attach": "allow", "time_travel": "allow", "evaluate": "permission",
               "state_edit": "permission", "hot_reload": "permission",
               "restart_frame": "permission"},
}

#: mode -> limit -> value (bytes, seconds, counts). Missing: unlimited.
LIMIT_DEFAULTS: Dict[str, Dict[str, Any]] = {
    "isolation": {"memory": 1024 ** 3, "cpu": 60.0, "wall": 120.0, "processes": 64,
                  "threads": 64, "open_files": 256, "file_size": 64 * 1024 ** 2,
                  "disk": 256 * 1024 ** 2},
    "development": {},
    "hybrid": {"wall": 3600.0},
}

#: Why each default is what it is; rendered next to the tables in docs/policy.md.
RATIONALE = {
    "isolation": [
        "Only reading files and starting threads are allowed; every capability that "
        "reaches outside the process (network, subprocesses, native code) or turns data "
        "into code (dynamic code, deserialization) is denied.",
        "Writes are denied except under `.apex/tmp` in the project, the scratch directory "
        "isolated runs get.",
        "Environment access is audited rather than denied: nearly every program reads a "
        "variable or two, and the record shows which.",
        "Attaching and time travel only observe, so they stay allowed; evaluation, state "
        "edits, hot reload and frame restarts change the program and are denied. "
        "Permissions do not apply in this mode.",
    ],
    "development": [
        "Your own code: every capability and every debug operation is allowed and nothing "
        "is limited. Mutating debug operations are still recorded in the audit log.",
    ],
    "hybrid": [
        "Everything that isolation denies is allowed but audited, so a review shows what "
        "the code did. Connections to the local machine and writes inside the project "
        "are allowed without a record.",
        "Observing (attach, time travel) is allowed; evaluation, state edits, hot reload "
        "and frame restarts need a `[[tool.apex.permissions]]` grant, which can be "
        "limited to paths or modules and can expire.",
        "A one-hour wall-clock limit stops a forgotten run.",
    ],
}
