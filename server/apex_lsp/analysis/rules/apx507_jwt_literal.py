"""A JSON Web Token embedded in the source.

## What it does
Flags string literals containing a JWT (`eyJ...` header, `.eyJ...`
payload, signature). Unsigned tokens (`alg: none`, empty signature) are
flagged too.

## Why is this bad
A JWT is a bearer credential: anyone holding it is the user it names until it
expires, and tokens pasted into code tend to be long-lived service tokens
(CWE-798).

## Example
```python
headers = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"}
```

## Use instead
```python
import os
headers = {"Authorization": f"Bearer {os.environ['SERVICE_TOKEN']}"}
```

## References
- https://www.rfc-editor.org/rfc/rfc7519
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import JWT as _JWT



class JwtLiteral(Rule):
    id = "APX507"
    name = "jwt-literal"
    category = "secrets"
    cwe = 798
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    node_types = (ast.Constant,)
    constants = (str,)

    def check(self, node: ast.Constant, ctx: FileContext) -> None:
        value = node.value
        if value.__class__ is str and "eyJ" in value and _JWT.search(value):
            ctx.report(self, node, "hardcoded JSON Web Token; it is a bearer credential")
