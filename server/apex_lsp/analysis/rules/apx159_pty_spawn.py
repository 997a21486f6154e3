"""`pty.spawn` of a program chosen at run time.

## What it does
Flags `pty.spawn(argv)` when the program is not a literal: a computed string,
or a list whose first element is not a literal. `pty.spawn("/bin/bash")` is
not flagged.
Neither is a program picked from an UPPER_CASE mapping (`ALLOWED[choice]`).

## Why is this bad
`pty.spawn` runs the program attached to a pseudo-terminal and wires it to
the caller's input and output. A program name taken from the user lets them
run any binary interactively (CWE-78); web terminals and "shell" endpoints
built this way are a classic remote-shell backdoor.

## Example
```python
pty.spawn(request.args["cmd"])
```

## Use instead
```python
ALLOWED = {"top": ["/usr/bin/top"], "htop": ["/usr/bin/htop"]}
pty.spawn(ALLOWED[choice])
```

## References
- https://docs.python.org/3/library/pty.html#pty.spawn
- https://cwe.mitre.org/data/definitions/78.html
"""
import ast

from ..context import FileContext, argument, is_constant, is_table_lookup, is_string_building
from ..model import Confidence, Severity
from ..rule import Rule


class PtySpawn(Rule):
    id = "APX159"
    name = "pty-spawn-computed-program"
    category = "command-injection"
    cwe = 78
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "subprocess"
    calls = frozenset({"pty.spawn"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        argv = argument(node, 0, "argv")
        if argv is None or is_constant(argv) or is_table_lookup(argv):
            return
        if isinstance(argv, (ast.List, ast.Tuple)):
            if not argv.elts or is_constant(argv.elts[0]) or is_table_lookup(argv.elts[0]):
                return
            argv = argv.elts[0]
        ctx.report(self, node, "pty.spawn() runs a program chosen at run time",
                   confidence=Confidence.HIGH if is_string_building(argv) else Confidence.MEDIUM)
