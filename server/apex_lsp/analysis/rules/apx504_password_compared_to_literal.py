"""A password or token checked against a string literal.

## What it does
Flags `==`/`!=` comparisons between a secret-looking name (`password`,
`token`, `request.api_key`, ...) and a string literal that looks like a
secret. Placeholders and empty strings are not flagged (see APX500).

## Why is this bad
The accepted credential is in the source code, shared by every installation
and impossible to rotate; `==` also leaks through timing how much of the
value matched (CWE-798, CWE-208).

## Example
```python
if password == "letmein2024":
    grant_access()
```

## Use instead
```python
import hmac
if hmac.compare_digest(hash_password(password, user.salt), user.password_hash):
    grant_access()
```

## References
- https://cwe.mitre.org/data/definitions/798.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import expression_name, looks_like_secret, name_kind


class PasswordComparedToLiteral(Rule):
    id = "APX504"
    name = "password-compared-to-literal"
    category = "secrets"
    cwe = 798
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B105",)
    node_types = (ast.Compare,)

    def check(self, node: ast.Compare, ctx: FileContext) -> None:
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        if isinstance(left, ast.Constant):
            left, right = right, left
        if not isinstance(right, ast.Constant):
            return
        name = expression_name(left)
        kind = name_kind(name)
        if kind and looks_like_secret(right.value, kind):
            ctx.report(self, node, f"'{name}' is compared with a hardcoded secret")
