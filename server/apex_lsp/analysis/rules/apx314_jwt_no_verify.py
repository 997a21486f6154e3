"""JWT decoded without verifying its signature.

## What it does
Flags `jwt.decode(...)` (PyJWT, python-jose, also `decode_complete`) when
signature verification is turned off: `options={"verify_signature": False}`,
the PyJWT 1.x `verify=False` argument, or an `algorithms` list that accepts
`"none"`.

## Why is this bad
Without signature verification the token is just base64-encoded JSON that
anyone can write: a client can claim to be any user or grant itself any
role (CWE-347). Accepting the `none` algorithm has the same effect.

## Example
```python
claims = jwt.decode(token, options={"verify_signature": False})
claims = jwt.decode(token, key, algorithms=["HS256", "none"])
```

## Use instead
```python
claims = jwt.decode(token, key, algorithms=["HS256"])
```
To read the header before choosing a key, use `jwt.get_unverified_header`,
then verify with the chosen key.

## References
- https://pyjwt.readthedocs.io/en/stable/usage.html
- https://cwe.mitre.org/data/definitions/347.html
"""
import ast

from ..context import FileContext, argument, is_false, keyword, literal
from ..model import Confidence, Severity
from ..rule import Rule


class JwtNoVerify(Rule):
    id = "APX314"
    name = "jwt-signature-not-verified"
    category = "authentication"
    cwe = 347
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    calls = frozenset({"jwt.decode", "jwt.decode_complete", "jwt.api_jwt.decode",
                       "jose.jwt.decode", "jwt.PyJWT.decode"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        verify = keyword(node, "verify")
        if verify is not None and is_false(verify):
            ctx.report(self, node, "jwt.decode(verify=False) accepts forged tokens")
            return
        options = keyword(node, "options")
        if isinstance(options, ast.Dict):
            for key, value in zip(options.keys, options.values):
                if literal(key, None) == "verify_signature" and is_false(value):
                    ctx.report(self, node, "JWT decoded with verify_signature=False accepts "
                                           "forged tokens")
                    return
        algorithms = literal(argument(node, 2, "algorithms"), None)
        if isinstance(algorithms, str):
            algorithms = [algorithms]
        if isinstance(algorithms, (list, tuple, set)) and any(
                isinstance(a, str) and a.lower() == "none" for a in algorithms):
            ctx.report(self, node, "JWT decode accepts the 'none' algorithm: unsigned tokens "
                                   "pass")
