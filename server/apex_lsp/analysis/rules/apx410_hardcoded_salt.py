"""A password hash or key derivation with a constant salt.

## What it does
Flags a literal salt given to `hashlib.pbkdf2_hmac`, `hashlib.scrypt`,
`cryptography`'s `PBKDF2HMAC` and `Scrypt`, and `bcrypt.hashpw`.

## Why is this bad
A salt exists so that equal passwords get different hashes and one
precomputed table cannot crack every account. A constant salt gives that up:
it is one global pepper that is also in the source code (CWE-760).

## Example
```python
import hashlib
key = hashlib.pbkdf2_hmac("sha256", password, b"myapp-salt", 600_000)
```

## Use instead
```python
import hashlib, os
salt = os.urandom(16)  # store it next to the hash
key = hashlib.pbkdf2_hmac("sha256", password, salt, 600_000)
```

## References
- https://cwe.mitre.org/data/definitions/760.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule

_KDF = "cryptography.hazmat.primitives.kdf"
#: qualified name -> position of the salt argument (None: keyword only)
_SALTED = {
    "hashlib.pbkdf2_hmac": 2,
    "hashlib.scrypt": None,
    f"{_KDF}.pbkdf2.PBKDF2HMAC": 2,
    f"{_KDF}.scrypt.Scrypt": 0,
    "bcrypt.hashpw": 1,
}


class HardcodedSalt(Rule):
    id = "APX410"
    name = "hardcoded-salt"
    category = "weak-crypto"
    cwe = 760
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    calls = frozenset(_SALTED)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        position = _SALTED[ctx.qualname(node.func)]
        salt = argument(node, position if position is not None else 99, "salt")
        if salt is not None and is_constant(salt) and not (
                isinstance(salt, ast.Constant) and salt.value is None):
            ctx.report(self, node, "constant salt; generate a random salt per password "
                                   "(os.urandom(16)) and store it with the hash")
