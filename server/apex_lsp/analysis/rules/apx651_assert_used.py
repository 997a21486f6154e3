"""`assert` used (off by default: opt in to audit security checks written as asserts).

## What it does
Flags every `assert` statement. The rule is **not enabled by default**: in
most code asserts are test expectations and invariants, and reporting them
drowns real findings (more than half of bandit's findings on typical projects
are B101). Enable it with `select = ["APX651"]` or `extend-select` to audit
code where asserts might guard access.

## Why is this bad
`python -O` (and `PYTHONOPTIMIZE`) removes assert statements, so a permission
or input check written as an assert silently disappears in optimised
deployments (CWE-703, CWE-617).

## Example
```python
def delete_user(actor, user):
    assert actor.is_admin
    user.delete()
```

## Use instead
```python
def delete_user(actor, user):
    if not actor.is_admin:
        raise PermissionError("admin only")
    user.delete()
```

## References
- https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule


class AssertUsed(Rule):
    id = "APX651"
    name = "assert-used"
    category = "error-handling"
    cwe = 703
    severity = Severity.LOW
    confidence = Confidence.HIGH
    enabled_by_default = False
    bandit = ("B101",)
    node_types = (ast.Assert,)

    def check(self, node: ast.Assert, ctx: FileContext) -> None:
        ctx.report(self, node, "assert is removed under python -O; raise an exception for "
                               "checks that must hold")
