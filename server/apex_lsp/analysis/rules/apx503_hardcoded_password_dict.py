"""A password or secret as a literal value in a dict display.

## What it does
Flags dict entries whose key is a secret-looking string (`"password"`,
`"api_key"`, `"client_secret"`, ...) and whose value is a string literal that
looks like a secret, as in configuration dicts such as Django's `DATABASES`.
Placeholders and empty values are not flagged (see APX500).

## Why is this bad
Configuration dicts are committed with the code, so the credential is shared
by every checkout and deployment (CWE-798).

## Example
```python
DATABASES = {"default": {"NAME": "app", "USER": "app", "PASSWORD": "Pr0d-DB-Pass"}}
```

## Use instead
```python
import os
DATABASES = {"default": {"NAME": "app", "USER": "app",
                         "PASSWORD": os.environ["DB_PASSWORD"]}}
```

## References
- https://cwe.mitre.org/data/definitions/798.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import looks_like_secret, name_kind


class HardcodedPasswordDict(Rule):
    id = "APX503"
    name = "hardcoded-password-in-dict"
    category = "secrets"
    cwe = 798
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B105",)
    node_types = (ast.Dict,)

    def check(self, node: ast.Dict, ctx: FileContext) -> None:
        for key, value in zip(node.keys, node.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)
                    and isinstance(value, ast.Constant)):
                continue
            kind = name_kind(key.value)
            if kind and looks_like_secret(value.value, kind):
                ctx.report(self, value, f"hardcoded value for '{key.value}'; load it from the "
                                        "environment or a secret store")
