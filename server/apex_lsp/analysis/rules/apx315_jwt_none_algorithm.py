"""JWT issued with the `none` algorithm.

## What it does
Flags `jwt.encode(..., algorithm="none")` (PyJWT, python-jose) and
`jws.sign(..., algorithm="none")`.

## Why is this bad
An unsigned token proves nothing: whoever receives it can change the claims
and send it back. A service that issues such tokens usually accepts them
too, which lets anyone impersonate anyone (CWE-347).

## Example
```python
token = jwt.encode({"user": user_id}, None, algorithm="none")
```

## Use instead
```python
token = jwt.encode({"user": user_id}, signing_key, algorithm="HS256")
```

## References
- https://datatracker.ietf.org/doc/html/rfc8725#section-3.1
- https://cwe.mitre.org/data/definitions/347.html
"""
import ast

from ..context import FileContext, argument, literal
from ..model import Confidence, Severity
from ..rule import Rule


class JwtNoneAlgorithm(Rule):
    id = "APX315"
    name = "jwt-none-algorithm"
    category = "authentication"
    cwe = 347
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    calls = frozenset({"jwt.encode", "jwt.api_jwt.encode", "jose.jwt.encode", "jose.jws.sign",
                       "jwt.PyJWT.encode"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        algorithm = literal(argument(node, 2, "algorithm"), None)
        if isinstance(algorithm, str) and algorithm.lower() == "none":
            ctx.report(self, node, "JWT issued with the 'none' algorithm is unsigned")
