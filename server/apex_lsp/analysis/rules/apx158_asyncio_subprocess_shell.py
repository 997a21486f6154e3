"""`asyncio` subprocess started through the shell.

## What it does
Flags `asyncio.create_subprocess_shell(cmd)` and
`loop.subprocess_shell(protocol_factory, cmd)`. A command built from
non-literal parts is high severity; a constant command is low severity.

## Why is this bad
Like `subprocess` with `shell=True`, the command is parsed by the shell, so
any spliced value can inject commands (CWE-78). Async servers pass request
data around freely, which makes this easy to miss.

## Example
```python
proc = await asyncio.create_subprocess_shell(f"ping -c 1 {host}")
```

## Use instead
```python
proc = await asyncio.create_subprocess_exec("ping", "-c", "1", host)
```

## References
- https://docs.python.org/3/library/asyncio-subprocess.html#asyncio.create_subprocess_shell
- https://cwe.mitre.org/data/definitions/78.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from ._shell import report_shell_command


class AsyncioSubprocessShell(Rule):
    id = "APX158"
    name = "asyncio-subprocess-shell"
    category = "command-injection"
    cwe = 78
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "subprocess"
    bandit = ("B602",)
    calls = frozenset({"asyncio.create_subprocess_shell",
                       "asyncio.subprocess.create_subprocess_shell"})
    methods = frozenset({"subprocess_shell"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        is_loop_method = (isinstance(node.func, ast.Attribute)
                          and node.func.attr == "subprocess_shell")
        command = argument(node, 1, "cmd") if is_loop_method else argument(node, 0, "cmd")
        report_shell_command(
            self, node, ctx, command,
            constant="subprocess started through the shell; prefer create_subprocess_exec",
            built="shell command built at run time allows command injection; "
                  "use create_subprocess_exec with separate arguments")
