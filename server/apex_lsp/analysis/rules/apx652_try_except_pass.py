"""A broad `except` whose body is only `pass`.

## What it does
Flags `except:`, `except Exception:` and `except BaseException:` handlers
(also inside a tuple) whose whole body is `pass` or `...`. Handlers for a
specific exception (`except KeyError: pass`) are a deliberate choice and are
not flagged.

## Why is this bad
Every error is swallowed, including the ones that signal an attack or a
failed security check (a signature that did not verify, a permission error),
and nothing is left to investigate afterwards (CWE-703, CWE-390).

## Example
```python
try:
    verify_signature(payload, signature)
except Exception:
    pass
```

## Use instead
```python
import logging
try:
    verify_signature(payload, signature)
except InvalidSignature:
    logging.warning("rejected payload with a bad signature")
    raise
```

## References
- https://cwe.mitre.org/data/definitions/390.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception",
                    "builtins.BaseException"})


def broad_handler(node: ast.ExceptHandler, ctx: FileContext) -> bool:
    caught = node.type
    if caught is None:
        return True
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(ctx.qualname(name) in _BROAD for name in names)


def only(node: ast.ExceptHandler, kind: type) -> bool:
    body = node.body
    if len(body) != 1:
        return False
    statement = body[0]
    if kind is ast.Pass and isinstance(statement, ast.Expr) and \
            isinstance(statement.value, ast.Constant) and statement.value.value is Ellipsis:
        return True
    return isinstance(statement, kind)


class TryExceptPass(Rule):
    id = "APX652"
    name = "try-except-pass"
    category = "error-handling"
    cwe = 703
    severity = Severity.LOW
    confidence = Confidence.HIGH
    bandit = ("B110",)
    node_types = (ast.ExceptHandler,)

    def check(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        if only(node, ast.Pass) and broad_handler(node, ctx):
            ctx.report(self, node, "broad except with pass silently swallows every error; "
                                   "catch the specific exception or log it")
