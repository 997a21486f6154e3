"""A secret token generated with too few random bytes.

## What it does
Flags `secrets.token_bytes(n)`, `token_hex(n)`, `token_urlsafe(n)` and
`os.urandom(n)` with a literal `n` below 16 bytes (128 bits) when the statement
assigns the result to a secret-looking name (`token`, `api_key`, `secret`,
`session_id`-style names are not included; see APX406 for the name rules).
Short random values used as identifiers are left alone.

## Why is this bad
A token is only as strong as its number of random bits: 8 bytes (64 bits) can
be brute-forced by a determined attacker against an offline check, 4 bytes in
minutes online (CWE-334). The `secrets` module's default of 32 bytes is a good
choice.

## Example
```python
import secrets
reset_token = secrets.token_urlsafe(6)
```

## Use instead
```python
import secrets
reset_token = secrets.token_urlsafe()  # 32 bytes
```

## References
- https://docs.python.org/3/library/secrets.html#how-many-bytes-should-tokens-use
"""
import ast

from ..context import FileContext, argument, literal
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import assigned_targets, secret_target, target_name

MINIMUM_BYTES = 16
_GENERATORS = frozenset({"secrets.token_bytes", "secrets.token_hex", "secrets.token_urlsafe",
                         "os.urandom"})


class ShortRandomToken(Rule):
    id = "APX413"
    name = "short-random-token"
    category = "weak-crypto"
    cwe = 334
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    calls = _GENERATORS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        name = "nbytes" if "token" in ctx.qualname(node.func) else "size"
        size = literal(argument(node, 0, name), None)
        if not isinstance(size, int) or isinstance(size, bool) or size >= MINIMUM_BYTES:
            return
        for target in assigned_targets(ctx.stmt):
            name = target_name(target)
            if secret_target(name):
                ctx.report(self, node, f"'{name}' gets only {size} random bytes "
                                       f"({size * 8} bits); use at least {MINIMUM_BYTES}")
                return
