"""`os.exec*` replaces the process with a program chosen at run time.

## What it does
Flags `os.execl`, `os.execle`, `os.execlp`, `os.execlpe`, `os.execv`,
`os.execve`, `os.execvp` and `os.execvpe` when the program path is not a
literal. Passing run-time values as *arguments* to a fixed program is the
safe way to run commands and is not flagged.
Neither is a program picked from an UPPER_CASE mapping (`TOOLS[name]`), the
usual allow-list.

## Why is this bad
No shell is involved, but whoever controls the path decides which binary
replaces the current process, with its privileges and open file descriptors
(CWE-78).

## Example
```python
os.execvp(request.args["tool"], [request.args["tool"], target])
```

## Use instead
Choose the program from a fixed table and pass user data only as arguments:
```python
TOOLS = {"ping": "/usr/bin/ping", "dig": "/usr/bin/dig"}
os.execv(TOOLS[name], [TOOLS[name], target])
```

## References
- https://docs.python.org/3/library/os.html#os.execv
- https://cwe.mitre.org/data/definitions/78.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from ._shell import report_computed_program

_EXEC = ("execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe")


class OsExec(Rule):
    id = "APX153"
    name = "os-exec-computed-program"
    category = "command-injection"
    cwe = 78
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "subprocess"
    bandit = ("B606",)
    calls = frozenset(f"{module}.{name}" for module in ("os", "posix") for name in _EXEC)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        program = argument(node, 0, "path") or argument(node, 0, "file")
        report_computed_program(self, node, ctx, program,
                                f"{ctx.qualname(node.func)}() runs a program chosen at run time")
