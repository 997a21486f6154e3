"""`subprocess` call with `shell=True`.

## What it does
Flags `subprocess.Popen`, `run`, `call`, `check_call` and `check_output`
called with `shell=True`. A command built from non-literal parts is high
severity; a constant command, or one whose values are all quoted with
`shlex.quote`, is low severity. A `shell=` value that is not a literal is reported with low confidence.

## Why is this bad
With `shell=True` the command string is parsed by `/bin/sh` (or `cmd.exe`).
Any value spliced into it can end the command and start another with `;`,
`&&`, `|`, `$(...)` or backticks (CWE-78). Quoting by hand is error-prone and
differs between shells.

## Example
```python
subprocess.run(f"tar czf {archive} {directory}", shell=True)
```

## Use instead
Pass an argument list and leave `shell` at its default `False`:
```python
subprocess.run(["tar", "czf", archive, directory], check=True)
```
If a shell feature is really needed, quote every value with `shlex.quote`.

## References
- https://docs.python.org/3/library/subprocess.html#security-considerations
- https://cwe.mitre.org/data/definitions/78.html
"""
import ast

from ..context import (FileContext, argument, callee_name, interpolated_values, is_constant,
                       is_false, is_string_building, is_table_lookup, keyword)
from ..model import Confidence, Severity
from ..rule import Rule

#: Calls that make a value safe inside a shell command line.
_SHELL_SAFE_CALLS = frozenset({"quote", "int", "float", "len"})


def shell_quoted(command: ast.expr | None) -> bool:
    """A command built only from literals and shell-quoted values
    (``"ls " + shlex.quote(path)``), or allow-list lookups (``TOOLS[name]``)."""
    values = interpolated_values(command)
    return is_string_building(command) and bool(values) and all(
        isinstance(v, ast.Constant) or callee_name(v) in _SHELL_SAFE_CALLS or is_table_lookup(v)
        for v in values)


SUBPROCESS_FUNCTIONS = frozenset({"subprocess.Popen", "subprocess.run", "subprocess.call",
                                  "subprocess.check_call", "subprocess.check_output"})


class SubprocessShellTrue(Rule):
    id = "APX155"
    name = "subprocess-shell-true"
    category = "command-injection"
    cwe = 78
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "subprocess"
    bandit = ("B602",)
    calls = SUBPROCESS_FUNCTIONS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        shell = keyword(node, "shell")
        if shell is None or is_false(shell):
            return
        command = argument(node, 0, "args")
        shell_certain = isinstance(shell, ast.Constant)
        if command is not None and (is_constant(command) or shell_quoted(command)):
            ctx.report(self, node, "subprocess call with shell=True; prefer an argument list",
                       severity=Severity.LOW,
                       confidence=Confidence.HIGH if shell_certain else Confidence.LOW)
            return
        if not shell_certain:
            confidence = Confidence.LOW
        elif is_string_building(command):
            confidence = Confidence.HIGH
        else:
            confidence = Confidence.MEDIUM
        ctx.report(self, node, "subprocess call with shell=True and a command built at run "
                               "time allows shell command injection", confidence=confidence)
