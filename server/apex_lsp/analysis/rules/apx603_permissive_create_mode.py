"""A file, directory or FIFO created world-writable by an explicit mode.

## What it does
Flags `os.open(path, flags, mode)`, `os.mkdir`, `os.makedirs`, `os.mkfifo`,
`os.mknod` and `Path.mkdir(mode=...)`/`Path.touch(mode=...)` whose explicit
mode grants write permission to other users (`0o777`, `0o666`,
`stat.S_IWOTH`). `os.open(path, flags, 0o666)` is not flagged: it is what
`open()` itself does. Severity is low because the umask normally applies.

## Why is this bad
The umask usually removes the world-write bit, but not always: daemons,
containers and code that calls `os.umask(0)` (APX604) create the path
writable by every local user, who can then replace its contents (CWE-732).
Writing `0o777` also documents an intent nobody should have.

## Example
```python
import os
os.makedirs("/srv/app/uploads", mode=0o777, exist_ok=True)
```

## Use instead
```python
import os
os.makedirs("/srv/app/uploads", mode=0o750, exist_ok=True)
```

## References
- https://cwe.mitre.org/data/definitions/732.html
"""
import ast
import stat

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from ._modes import mode_value

#: callee -> position of the mode argument
_CREATORS = {"os.open": 2, "os.mkdir": 1, "os.makedirs": 1, "os.mkfifo": 1, "os.mknod": 1}


class PermissiveCreateMode(Rule):
    id = "APX603"
    name = "permissive-create-mode"
    category = "filesystem"
    cwe = 732
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    capability = "filesystem_write"
    bandit = ("B103",)
    calls = frozenset(_CREATORS)
    methods = frozenset({"mkdir", "touch"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        position = _CREATORS.get(ctx.qualname(node.func) or "")
        if position is None:  # Path(...).mkdir(mode=0o777) / .touch(mode=...)
            mode = argument(node, 0, "mode")
        else:
            mode = argument(node, position, "mode")
        value = mode_value(mode)
        if position == 2 and value == 0o666:
            return  # os.open(..., 0o666) is what open() itself uses; the umask applies
        if value is not None and value & stat.S_IWOTH:
            ctx.report(self, node, f"mode {value:#o} creates the path writable by every user "
                                   "whenever the umask allows it")
