"""PBKDF2 with too few iterations.

## What it does
Flags `hashlib.pbkdf2_hmac(...)` and `cryptography`'s `PBKDF2HMAC(...)` when
the iteration count is a literal below 100,000.

## Why is this bad
The iteration count is what makes each password guess expensive. OWASP asks
for 600,000 iterations of PBKDF2-HMAC-SHA256 (210,000 for SHA-512); a few
thousand lets a GPU test millions of candidates per second (CWE-916). Counts
between 100,000 and the OWASP figure are left alone to keep the rule quiet.

## Example
```python
import hashlib
key = hashlib.pbkdf2_hmac("sha256", password, salt, 1000)
```

## Use instead
```python
import hashlib
key = hashlib.pbkdf2_hmac("sha256", password, salt, 600_000)
```

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#pbkdf2
"""
import ast

from ..context import FileContext, argument, literal
from ..model import Confidence, Severity
from ..rule import Rule

MINIMUM_ITERATIONS = 100_000
_PBKDF2 = {
    "hashlib.pbkdf2_hmac": 3,
    "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC": 3,
}


class WeakKeyDerivation(Rule):
    id = "APX409"
    name = "weak-key-derivation"
    category = "weak-crypto"
    cwe = 916
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    calls = frozenset(_PBKDF2)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        position = _PBKDF2[ctx.qualname(node.func)]
        count = literal(argument(node, position, "iterations"), None)
        if isinstance(count, int) and not isinstance(count, bool) and count < MINIMUM_ITERATIONS:
            ctx.report(self, node, f"PBKDF2 with {count} iterations is cheap to brute-force; "
                                   "use 600,000 (SHA-256) or a memory-hard KDF")
