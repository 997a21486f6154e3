"""`subprocess.getoutput` / `commands.getoutput` run a command line through the shell.

## What it does
Flags `subprocess.getoutput`, `subprocess.getstatusoutput` and their Python 2
originals `commands.getoutput` / `commands.getstatusoutput`. Commands built
from non-literal parts are high severity; constant commands low.

## Why is this bad
Both functions are thin wrappers around `Popen(cmd, shell=True)`: the string
is parsed by the shell, so a spliced value can run extra commands (CWE-78).
The name hides the shell, which is why these calls survive code review.

## Example
```python
status, out = subprocess.getstatusoutput(f"git log {branch}")
```

## Use instead
```python
result = subprocess.run(["git", "log", "--", branch], capture_output=True, text=True)
status, out = result.returncode, result.stdout
```

## References
- https://docs.python.org/3/library/subprocess.html#subprocess.getoutput
- https://cwe.mitre.org/data/definitions/78.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from ._shell import report_shell_command


class GetOutput(Rule):
    id = "APX152"
    name = "shell-getoutput"
    category = "command-injection"
    cwe = 78
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "subprocess"
    bandit = ("B605",)
    calls = frozenset({"subprocess.getoutput", "subprocess.getstatusoutput",
                       "commands.getoutput", "commands.getstatusoutput"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.qualname(node.func)
        report_shell_command(
            self, node, ctx, argument(node, 0, "cmd"),
            constant=f"{name}() runs its command through the shell",
            built=f"{name}() runs a command built at run time through the shell; "
                  "this allows command injection")
