"""RSA encryption with PKCS#1 v1.5 padding.

## What it does
Flags `key.encrypt(data, padding.PKCS1v15())` / `decrypt(...)` with
`cryptography`'s `PKCS1v15` padding, and PyCryptodome's
`Crypto.Cipher.PKCS1_v1_5.new(key)`. Signatures with PKCS#1 v1.5 are not
flagged: the attack concerns encryption.

## Why is this bad
PKCS#1 v1.5 encryption padding is vulnerable to Bleichenbacher's
padding-oracle attack: a server that reveals (even through timing) whether a
ciphertext decrypted to valid padding lets an attacker decrypt messages
(ROBOT, CWE-780).

## Example
```python
from cryptography.hazmat.primitives.asymmetric import padding
ciphertext = public_key.encrypt(message, padding.PKCS1v15())
```

## Use instead
```python
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
ciphertext = public_key.encrypt(message, padding.OAEP(
    mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
```

## References
- https://robotattack.org/
- https://cwe.mitre.org/data/definitions/780.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

_PKCS1V15 = "cryptography.hazmat.primitives.asymmetric.padding.PKCS1v15"
_PYCRYPTODOME = frozenset(f"{p}.Cipher.PKCS1_v1_5.new" for p in ("Crypto", "Cryptodome"))


class RsaPkcs1v15Encryption(Rule):
    id = "APX412"
    name = "rsa-pkcs1v15-encryption"
    category = "weak-crypto"
    cwe = 780
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    calls = _PYCRYPTODOME
    methods = frozenset({"encrypt", "decrypt"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.qualname(node.func) in _PYCRYPTODOME:
            ctx.report(self, node, "PKCS#1 v1.5 encryption is open to padding-oracle attacks; "
                                   "use PKCS1_OAEP")
            return
        pad = argument(node, 1, "padding")
        if isinstance(pad, ast.Call) and ctx.qualname(pad.func) == _PKCS1V15:
            ctx.report(self, node, "RSA with PKCS1v15 padding is open to padding-oracle "
                                   "attacks; use padding.OAEP")
