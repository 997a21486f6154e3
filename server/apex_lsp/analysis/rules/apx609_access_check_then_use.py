"""A file checked with `os.access` and then used: a time-of-check/time-of-use race.

## What it does
Flags `if os.access(path, ...):` (or `if not os.access(...)`) whose block then
opens, removes, renames, changes or executes the same `path` (`open`,
`os.open`, `os.remove`, `os.chmod`, `shutil.*`, `subprocess` with the path
first, ...). Only the statements directly in the `if` block are looked at.

## Why is this bad
Between the check and the use, another process can replace the file, for
example with a symlink to a file the program may write but the user may not.
`os.access` also checks the *real* user id, not the effective one, so in
set-uid programs it answers a different question (CWE-367).

## Example
```python
import os
if os.access(path, os.W_OK):
    with open(path, "w") as handle:
        handle.write(data)
```

## Use instead
```python
try:
    with open(path, "w") as handle:
        handle.write(data)
except PermissionError:
    ...
```

## References
- https://docs.python.org/3/library/os.html#os.access
- https://cwe.mitre.org/data/definitions/367.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

_USES = frozenset({
    "open", "builtins.open", "io.open", "os.open", "os.remove", "os.unlink", "os.rename",
    "os.replace", "os.chmod", "os.chown", "os.truncate", "os.rmdir", "os.execv", "os.execl",
    "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.move", "shutil.rmtree",
    "shutil.chown", "subprocess.run", "subprocess.call", "subprocess.Popen",
    "subprocess.check_call", "subprocess.check_output"})


def _calls_in(statement: ast.stmt):
    """Calls a statement makes at its top level: ``f(...)``, ``x = f(...)``, ``with f(...)``."""
    if isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign, ast.Return)):
        value = statement.value
        if isinstance(value, ast.Call):
            yield value
            if isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Call):
                yield value.func.value  # open(path).read()
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        for item in statement.items:
            if isinstance(item.context_expr, ast.Call):
                yield item.context_expr


def _same(left: ast.AST, right: ast.AST) -> bool:
    return ast.dump(left) == ast.dump(right)


class AccessCheckThenUse(Rule):
    id = "APX609"
    name = "access-check-then-use"
    category = "filesystem"
    cwe = 367
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    capability = "filesystem_write"
    calls = frozenset({"os.access"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        stmt = ctx.stmt
        if not isinstance(stmt, ast.If):
            return
        test = stmt.test.operand if isinstance(stmt.test, ast.UnaryOp) and \
            isinstance(stmt.test.op, ast.Not) else stmt.test
        if test is not node:
            return
        path = argument(node, 0, "path")
        if path is None or isinstance(path, ast.Constant) and not isinstance(path.value, str):
            return
        for statement in [*stmt.body, *stmt.orelse]:
            for call in _calls_in(statement):
                if ctx.qualname(call.func) in _USES and call.args and \
                        _same(call.args[0], path):
                    ctx.report(self, node, "os.access() check followed by use of the same path "
                                           "races with other processes; just try the operation")
                    return
