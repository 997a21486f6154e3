"""`subprocess` given a command line built as one string, without a shell.

## What it does
Flags `subprocess.Popen`, `run`, `call`, `check_call` and `check_output` when
the command is a string built from non-literal parts (f-string, `%`, `+`,
`.format`) and `shell=True` is not given. Argument lists, and constant
strings, are not flagged.

## Why is this bad
Without a shell, a string command means different things on each platform.
On POSIX the whole string is taken as the *program path*, so the call either
fails or runs whatever file the interpolated value names. On Windows the
string is split into arguments by the callee's own rules, so a value
containing spaces or quotes injects extra arguments (CWE-88). Either way the
code trusts an interpolated value to stay inside one argument.

## Example
```python
subprocess.run(f"ffmpeg -i {source} {target}")
```

## Use instead
```python
subprocess.run(["ffmpeg", "-i", source, target], check=True)
```

## References
- https://docs.python.org/3/library/subprocess.html#frequently-used-arguments
- https://cwe.mitre.org/data/definitions/88.html
"""
import ast

from ..context import FileContext, argument, is_false, is_string_building, keyword
from ..model import Confidence, Severity
from ..rule import Rule
from .apx155_subprocess_shell_true import SUBPROCESS_FUNCTIONS


class SubprocessStringCommand(Rule):
    id = "APX156"
    name = "subprocess-string-command"
    category = "command-injection"
    cwe = 88
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "subprocess"
    calls = SUBPROCESS_FUNCTIONS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        shell = keyword(node, "shell")
        if shell is not None and not is_false(shell):
            return  # APX155's business
        if any(kw.arg is None for kw in node.keywords):
            return  # **kwargs may carry shell=True
        command = argument(node, 0, "args")
        if not is_string_building(command):
            return
        ctx.report(self, node, "command line built as one string without a shell: it is one "
                               "program path on POSIX and split by the callee on Windows; "
                               "pass an argument list")
