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

#: What a policy may say about a capability. Ordered from most to least permissive.
ACTIONS = ("allow", "audit", "deny")

#: What a policy may say about a debug operation. ``permission``: denied unless a
#: ``[[tool.apex.permissions]]`` entry grants it (the hybrid mode's default).
GATES = ("allow", "permission", "deny")

#: The default mode when neither a policy file, the editor nor the command line names one.
DEFAULT_MODE = "development"

#: Mode strictness, used to validate mode switches.
MODE_RANK = {"development": 0, "hybrid": 1, "isolation": 2}

#: Noun phrases used in messages: "network access (requests.get) is denied ...".
CAPABILITY_LABELS = {
    "network": "network access",
    "subprocess": "starting a subprocess",
    "filesystem_write": "writing to the filesystem",
    "filesystem_read": "reading the filesystem",
    "dynamic_code": "running dynamic code",
    "native_code": "loading native code",
    "deserialization": "unsafe deserialization",
    "environment": "environment access",
    "threads": "starting a thread",
}

CAPABILITY_DOCS = {
    "network": "Sockets, TLS, HTTP clients (socket, ssl, http.client, urllib, requests, httpx, "
               "aiohttp, websockets). Scopes: `host`, `host:port`, `*.domain`, `*:port`, CIDR "
               "blocks (`10.0.0.0/8`), `[::1]:8080`.",
    "subprocess": "Starting programs (subprocess, os.system, os.exec*/spawn*, pty, "
                  "multiprocessing, asyncio subprocesses). Scopes: executable names (`git`) "
                  "or absolute paths/globs (`/usr/bin/*`).",
    "filesystem_write": "Creating, writing, renaming or deleting files and directories. "
                        "Scopes: path globs relative to the project root (`build/**`) or "
                        "absolute (`/tmp/**`); a plain directory covers everything under it.",
    "filesystem_read": "Opening files for reading. Scopes: path globs as for filesystem_write.",
    "dynamic_code": "eval, exec, compile, and importing modules by a computed name.",
    "native_code": "ctypes, cffi and loading extension modules from arbitrary paths.",
    "deserialization": "pickle, marshal, shelve, dill and yaml's unsafe loaders: loading "
                       "untrusted data this way runs code.",
    "environment": "Reading or changing environment variables (os.environ, os.getenv, "
                   "os.putenv). Scopes: variable names or globs (`APP_*`).",
    "threads": "Starting threads (threading.Thread, _thread.start_new_thread).",
}

DEBUG_OPERATION_LABELS = {
    "attach": "attaching the debugger",
    "time_travel": "time travel",
    "evaluate": "expression evaluation",
    "state_edit": "state editing",
    "hot_reload": "hot reload",
    "restart_frame": "frame restart",
}

DEBUG_OPERATION_DOCS = {
    "attach": "Attach the debugger to a running process or launch under it.",
    "time_travel": "Step back and reverse-continue through the recorded history (read-only).",
    "evaluate": "Evaluate expressions in the debuggee (the REPL, watch expressions): "
                "arbitrary code, so it can change state.",
    "state_edit": "Set variables and expressions in the live process.",
    "hot_reload": "Replace the code of changed functions in the running process.",
    "restart_frame": "Unwind a frame and call it again.",
}

MODE_DOCS = {
    "isolation": "Untrusted code: risky capabilities are denied, the environment is audited, "
                 "runs are limited, and debug operations that change the program are denied "
                 "(permissions do not apply).",
    "development": "Your own code on your own machine: every capability is allowed and every "
                   "debug operation is available. Debug mutations are still written to the "
                   "audit log.",
    "hybrid": "Code you are reviewing: risky capabilities are audited, writes outside the "
              "project are audited, and debug operations that change the program are denied "
              "unless a permission grants them.",
}
