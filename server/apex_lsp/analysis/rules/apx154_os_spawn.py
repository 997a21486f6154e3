"""`os.spawn*`, `os.posix_spawn*` or `os.startfile` start a program chosen at run time.

## What it does
Flags `os.spawnl/le/lp/lpe/v/ve/vp/vpe`, `os.posix_spawn`, `os.posix_spawnp`
and `os.startfile` when the program (or, for `startfile`, the file) is not a
literal. Run-time values passed only as arguments to a fixed program are not
flagged.
Neither is a program picked from an UPPER_CASE mapping (`TOOLS[name]`).

## Why is this bad
Whoever controls the path decides which binary runs (CWE-78).
`os.startfile` opens a file with whatever application Windows associates
with it, so a path to an uploaded `.bat`, `.lnk` or `.exe` runs it.

## Example
```python
os.spawnv(os.P_WAIT, converter_path, [converter_path, source])
os.startfile(downloaded_file)
```

## Use instead
```python
subprocess.run(["/usr/bin/convert", source, target], check=True)
```

## References
- https://docs.python.org/3/library/os.html#os.spawnv
- https://cwe.mitre.org/data/definitions/78.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from ._shell import report_computed_program

_SPAWN = ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp",
          "spawnvpe")
#: Position and keyword of the program argument.
_PROGRAM = {**{f"os.{n}": (1, "file" if "p" in n[5:] else "path") for n in _SPAWN},
            "os.posix_spawn": (0, "path"), "os.posix_spawnp": (0, "path"),
            "os.startfile": (0, "path")}


class OsSpawn(Rule):
    id = "APX154"
    name = "os-spawn-computed-program"
    category = "command-injection"
    cwe = 78
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "subprocess"
    bandit = ("B606",)
    calls = frozenset(_PROGRAM)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.qualname(node.func) or ""
        position, keyword = _PROGRAM[name]
        program = argument(node, position, keyword)
        report_computed_program(self, node, ctx, program,
                                f"{name}() starts a program chosen at run time")
