"""A password or secret passed as a literal keyword argument.

## What it does
Flags keyword arguments with a secret-looking name whose value is a string
literal that looks like a secret: `connect(user="app", password="s3cr3t!")`,
`Client(api_key="...")`. Empty strings, `None` and placeholders are not
flagged (see APX500 for the exact low-noise rules).

## Why is this bad
The credential is in the source, so it is in version control and every copy
of the code, and it cannot be rotated without a release (CWE-798, CWE-259).

## Example
```python
import psycopg
conn = psycopg.connect(host="db", user="app", password="Pa55w0rd!")
```

## Use instead
```python
import os, psycopg
conn = psycopg.connect(host="db", user="app", password=os.environ["DB_PASSWORD"])
```

## References
- https://cwe.mitre.org/data/definitions/798.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import looks_like_secret, name_kind
from .apx508_hardcoded_secret_key import FRAMEWORK_KEYS


class HardcodedPasswordArgument(Rule):
    id = "APX502"
    name = "hardcoded-password-argument"
    category = "secrets"
    cwe = 798
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B106",)
    node_types = (ast.keyword,)

    def check(self, node: ast.keyword, ctx: FileContext) -> None:
        value = node.value
        if node.arg is None or not isinstance(value, ast.Constant):
            return
        if node.arg in FRAMEWORK_KEYS:
            return  # APX508 reports SECRET_KEY=...
        kind = name_kind(node.arg)
        if kind and looks_like_secret(value.value, kind):
            ctx.report(self, node, f"hardcoded value for '{node.arg}'; load it from the "
                                   "environment or a secret store")
