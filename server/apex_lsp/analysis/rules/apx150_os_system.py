"""`os.system` runs a command line through the shell.

## What it does
Flags `os.system(command)`. When the command is built from non-literal parts
the finding is high severity; a constant command is reported as low
severity, since only the author chose it, but it still starts a shell.

## Why is this bad
`os.system` hands the whole string to `/bin/sh -c` (or `cmd.exe`). Any value
spliced into it can add `;`, `&&`, `$(...)` or backticks and run further
commands (CWE-78). It also gives no access to output and no reliable way to
pass arguments.

## Example
```python
os.system(f"convert {upload} {thumbnail}")
```

## Use instead
Pass an argument list to `subprocess.run`, with no shell involved:
```python
subprocess.run(["convert", upload, thumbnail], check=True)
```

## References
- https://docs.python.org/3/library/os.html#os.system
- https://cwe.mitre.org/data/definitions/78.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from ._shell import report_shell_command


class OsSystem(Rule):
    id = "APX150"
    name = "os-system"
    category = "command-injection"
    cwe = 78
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "subprocess"
    bandit = ("B605",)
    calls = frozenset({"os.system", "posix.system", "nt.system"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        report_shell_command(
            self, node, ctx, argument(node, 0, "command"),
            constant="os.system() starts a shell; prefer subprocess.run with an argument list",
            built="os.system() with a command built at run time allows shell command injection")
