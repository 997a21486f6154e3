"""`os.popen` (and the old `popen2` family) run a command line through the shell.

## What it does
Flags `os.popen`, `os.popen2/3/4`, `platform.popen` and `popen2.popen2/3/4`,
`popen2.Popen3/4`.
Commands built from non-literal parts are high severity; a constant command
is low severity.

## Why is this bad
The command string is interpreted by the shell, so any spliced value can
inject further commands with `;`, `|`, `$(...)` (CWE-78).

## Example
```python
listing = os.popen("ls -l " + directory).read()
```

## Use instead
```python
listing = subprocess.run(["ls", "-l", directory], capture_output=True,
                         text=True, check=True).stdout
```

## References
- https://docs.python.org/3/library/os.html#os.popen
- https://cwe.mitre.org/data/definitions/78.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from ._shell import report_shell_command


class OsPopen(Rule):
    id = "APX151"
    name = "os-popen"
    category = "command-injection"
    cwe = 78
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "subprocess"
    bandit = ("B605",)
    calls = frozenset({"os.popen", "os.popen2", "os.popen3", "os.popen4", "posix.popen",
                       "platform.popen",
                       "popen2.popen2", "popen2.popen3", "popen2.popen4",
                       "popen2.Popen3", "popen2.Popen4"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.qualname(node.func)
        report_shell_command(
            self, node, ctx, argument(node, 0, "cmd"),
            constant=f"{name}() starts a shell; prefer subprocess.run with an argument list",
            built=f"{name}() with a command built at run time allows shell command injection")
