"""A umask that lets new files be created world-writable.

## What it does
Flags `os.umask(mask)` where the static mask does not contain the
"others may write" bit (`0o002`), e.g. `os.umask(0)`.

## Why is this bad
The umask is the safety net under every `open()`, `mkdir()` and library
call in the process (and its children). Clearing it makes files created with
the usual default mode `0o666`/`0o777` writable by every local user
(CWE-732, CWE-276).

## Example
```python
import os
os.umask(0)
```

## Use instead
```python
import os
os.umask(0o027)
```

## References
- https://cwe.mitre.org/data/definitions/276.html
"""
import ast
import stat

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from ._modes import mode_value


class UmaskZero(Rule):
    id = "APX604"
    name = "permissive-umask"
    category = "filesystem"
    cwe = 276
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    capability = "filesystem_write"
    calls = frozenset({"os.umask"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        value = mode_value(argument(node, 0, "mask"))
        if value is not None and not value & stat.S_IWOTH:
            ctx.report(self, node, f"umask {value:#o} lets new files be world-writable; use "
                                   "0o022 or stricter")
