"""Process started with a partial executable path (opt-in).

## What it does
Flags process-starting calls (`subprocess.*`, `os.system`, `os.popen`,
`os.exec*`, `os.spawn*`, `asyncio.create_subprocess_exec`) whose program is a
literal name without a directory, such as `"ls"` or `["git", "status"]`, so
the program is looked up in `PATH`.

This rule is **off by default**: starting `git` or `ls` from `PATH` is normal
in most applications, and a finding on every such call is noise. Enable it
(`extend-select = ["APX157"]`) for code that runs with elevated privileges or
in an environment whose `PATH` an attacker may influence.

## Why is this bad
Whoever controls `PATH` (or the current directory on Windows) decides which
binary runs (CWE-426). Setuid helpers, services started from a user's shell
and CI jobs that run in attacker-writable workspaces are the usual victims.

## Example
```python
subprocess.run(["ls", "-l"])
```

## Use instead
```python
subprocess.run(["/usr/bin/ls", "-l"])
# or resolve once against a trusted PATH
LS = shutil.which("ls", path="/usr/bin:/bin")
```

## References
- https://cwe.mitre.org/data/definitions/426.html
"""
import ast
import re

from ..context import FileContext, argument, literal
from ..model import Confidence, Severity
from ..rule import Rule
from .apx155_subprocess_shell_true import SUBPROCESS_FUNCTIONS

#: Like bandit: a drive letter, a separator or a dot at the start is a full path.
_FULL_PATH = re.compile(r"^(?:[A-Za-z](?=:)|[\\/.])")
_EXEC = ("execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe",
         "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe")
#: Position of the program (or command line) argument.
_PROGRAM = {**{name: 0 for name in SUBPROCESS_FUNCTIONS},
            "os.system": 0, "os.popen": 0, "asyncio.create_subprocess_exec": 0,
            "asyncio.create_subprocess_shell": 0, "subprocess.getoutput": 0,
            "subprocess.getstatusoutput": 0,
            **{f"os.{name}": 1 if name.startswith("spawn") else 0 for name in _EXEC}}


class PartialExecutablePath(Rule):
    id = "APX157"
    name = "partial-executable-path"
    category = "command-injection"
    cwe = 426
    severity = Severity.LOW
    confidence = Confidence.HIGH
    capability = "subprocess"
    enabled_by_default = False
    bandit = ("B607",)
    calls = frozenset(_PROGRAM)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        program = argument(node, _PROGRAM[ctx.qualname(node.func) or ""])
        if isinstance(program, (ast.List, ast.Tuple)):
            program = program.elts[0] if program.elts else None
        value = literal(program, None)
        if isinstance(value, str):
            value = value.strip().split(" ", 1)[0]
        if not isinstance(value, str) or not value or _FULL_PATH.match(value):
            return
        ctx.report(self, node, f"'{value}' is looked up in PATH; use the full path of the "
                               "executable")
