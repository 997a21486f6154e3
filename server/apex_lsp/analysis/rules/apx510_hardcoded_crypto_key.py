"""An encryption or MAC key written into the source.

## What it does
Flags a literal key (bytes or string, `"...".encode()`, `bytes.fromhex("...")`)
given to `cryptography` ciphers and AEADs (`algorithms.AES(key)`, `AESGCM`,
`ChaCha20Poly1305`, `Fernet`, ...), PyCryptodome `*.new(key, ...)`,
`hmac.new(key, ...)`/`hmac.digest(key, ...)` and `HMAC(key, ...)`.

## Why is this bad
A key in the code is known to everyone who has the code, is the same in every
installation and cannot be rotated: whatever it encrypts or authenticates is
effectively unprotected (CWE-321).

## Example
```python
import hmac, hashlib
signature = hmac.new(b"webhook-signing-key", body, hashlib.sha256).hexdigest()
```

## Use instead
```python
import hmac, hashlib, os
signature = hmac.new(os.environ["WEBHOOK_KEY"].encode(), body, hashlib.sha256).hexdigest()
```

## References
- https://cwe.mitre.org/data/definitions/321.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule

_HAZMAT = "cryptography.hazmat.primitives"
_KEYED = frozenset({
    *(f"{_HAZMAT}.ciphers.algorithms.{a}" for a in ("AES", "AES128", "AES256", "ChaCha20",
                                                    "Camellia", "SM4", "TripleDES")),
    *(f"{_HAZMAT}.ciphers.aead.{a}" for a in ("AESGCM", "AESCCM", "AESOCB3", "AESSIV",
                                              "AESGCMSIV", "ChaCha20Poly1305")),
    f"{_HAZMAT}.hmac.HMAC", "cryptography.fernet.Fernet", "hmac.new", "hmac.digest",
    "hmac.HMAC",
    *(f"{p}.Cipher.{c}.new" for p in ("Crypto", "Cryptodome")
      for c in ("AES", "ChaCha20", "ChaCha20_Poly1305", "Salsa20", "DES3", "Blowfish", "CAST")),
    *(f"{p}.Hash.HMAC.new" for p in ("Crypto", "Cryptodome")),
})


def literal_key(node: ast.AST | None) -> bool:
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, bytes)) and len(node.value) > 0
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "encode" and isinstance(node.func.value, ast.Constant):
            return literal_key(node.func.value)
        if node.func.attr in ("fromhex", "b64decode", "urlsafe_b64decode") and node.args:
            return is_constant(node.args[0]) and literal_key(node.args[0])
    return False


class HardcodedCryptoKey(Rule):
    id = "APX510"
    name = "hardcoded-crypto-key"
    category = "secrets"
    cwe = 321
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    calls = _KEYED

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if literal_key(argument(node, 0, "key")):
            ctx.report(self, node, "hardcoded cryptographic key; load keys from a secret store "
                                   "or the environment")
