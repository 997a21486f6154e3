"""`tempfile.mktemp`, which returns a name another process can take first.

## What it does
Flags `tempfile.mktemp()` (and `os.tempnam`/`os.tmpnam`). No automatic fix is
offered: the safe replacements return an open file or a descriptor instead of
a name, and the file then already exists, so the calling code has to change.

## Why is this bad
Between `mktemp` choosing a name and the program creating the file, another
local user can create that path (often as a symlink to a file the program may
write), making the program overwrite or disclose files (CWE-377).

## Example
```python
import tempfile
path = tempfile.mktemp(suffix=".csv")
with open(path, "w") as handle:
    handle.write(report)
```

## Use instead
```python
import tempfile
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
    handle.write(report)
path = handle.name
```
or `fd, path = tempfile.mkstemp(suffix=".csv")`.

## References
- https://docs.python.org/3/library/tempfile.html#tempfile.mktemp
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule


class TempfileMktemp(Rule):
    id = "APX600"
    name = "tempfile-mktemp"
    category = "filesystem"
    cwe = 377
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    capability = "filesystem_write"
    bandit = ("B306",)
    calls = frozenset({"tempfile.mktemp", "os.tempnam", "os.tmpnam"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        ctx.report(self, node, f"{ctx.qualname(node.func)}() is race-prone; use mkstemp() or "
                               "NamedTemporaryFile()")
