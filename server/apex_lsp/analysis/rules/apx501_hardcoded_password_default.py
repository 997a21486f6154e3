"""A password or secret as a function's default argument.

## What it does
Flags parameters with a secret-looking name (`password`, `api_key`,
`token`, ...) whose default value is a string literal that looks like a
secret. Empty strings, `None` and placeholders are not flagged (see APX500 for
the exact low-noise rules).

## Why is this bad
The default is used whenever a caller forgets the argument, so the
hardcoded credential silently becomes the production one, and it is visible to
anyone who can read the code or its `help()` (CWE-798, CWE-259).

## Example
```python
def connect(host, user="admin", password="Adm1n!2024"):
    ...
```

## Use instead
```python
def connect(host, user, password):
    ...
```

## References
- https://cwe.mitre.org/data/definitions/259.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import looks_like_secret, name_kind


class HardcodedPasswordDefault(Rule):
    id = "APX501"
    name = "hardcoded-password-default"
    category = "secrets"
    cwe = 259
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B107",)
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        args = node.args
        if not args.defaults and not args.kw_defaults:
            return
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        for arg, default in pairs:
            if not isinstance(default, ast.Constant):
                continue
            kind = name_kind(arg.arg)
            if kind and looks_like_secret(default.value, kind):
                ctx.report(self, default, f"hardcoded default for parameter '{arg.arg}'; "
                                          "require the caller to pass it")
