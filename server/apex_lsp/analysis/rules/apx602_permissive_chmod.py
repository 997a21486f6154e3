"""A file made writable by everyone (or executable by its group) with `chmod`.

## What it does
Flags `os.chmod`, `os.fchmod`, `os.lchmod` and `Path.chmod(...)` when the mode
is a static value (`0o777`, `stat.S_IWOTH | ...`) that grants write permission
to other users; granting them read permission on files under `/etc` or with
`key`/`secret`/`.pem` in the literal path is flagged too.

## Why is this bad
A world-writable file can be changed by any local user: scripts and
configuration become code execution, data files become tampering
(CWE-732). Private keys readable by others are disclosed.

## Example
```python
import os
os.chmod("/srv/app/run.sh", 0o777)
```

## Use instead
```python
import os
os.chmod("/srv/app/run.sh", 0o750)
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

_SENSITIVE = ("key", "secret", ".pem", "password", "credential", "/etc/", "id_rsa", "token")


class PermissiveChmod(Rule):
    id = "APX602"
    name = "permissive-file-permissions"
    category = "filesystem"
    cwe = 732
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "filesystem_write"
    bandit = ("B103",)
    calls = frozenset({"os.chmod", "os.fchmod", "os.lchmod"})
    methods = frozenset({"chmod"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        qualname = ctx.qualname(node.func) or ""
        if qualname.startswith("os."):
            path, mode = argument(node, 0, "path"), argument(node, 1, "mode")
        else:  # Path(...).chmod(mode)
            path, mode = None, argument(node, 0, "mode")
            if len(node.args) > 1:
                return
        value = mode_value(mode)
        if value is None:
            return
        if value & stat.S_IWOTH:
            ctx.report(self, node, f"mode {value:#o} makes the file writable by every user")
            return
        name = path.value.lower() if isinstance(path, ast.Constant) and \
            isinstance(path.value, str) else ""
        if value & stat.S_IROTH and any(word in name for word in _SENSITIVE):
            ctx.report(self, node, f"mode {value:#o} makes a sensitive file readable by every "
                                   "user", severity=Severity.MEDIUM)
