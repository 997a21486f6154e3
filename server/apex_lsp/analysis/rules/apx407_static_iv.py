"""A cipher initialised with a constant IV or nonce.

## What it does
Flags `cryptography` modes (`modes.CBC`, `CTR`, `GCM`, `CFB`, `OFB`, ...)
given a literal IV/nonce, PyCryptodome ciphers created with a literal `iv=` or
`nonce=` (or a literal third argument), and AEAD `encrypt(nonce, data, aad)`
calls whose nonce is a literal.

## Why is this bad
An IV or nonce must be unpredictable or at least unique per message. Reusing a
constant one makes CBC leak equal prefixes, turns CTR/GCM into a two-time pad
and lets an attacker forge GCM tags (CWE-329, CWE-323).

## Example
```python
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
cipher = Cipher(algorithms.AES(key), modes.CBC(b"\\x00" * 16))
```

## Use instead
```python
import os
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
iv = os.urandom(16)
cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
```

## References
- https://cwe.mitre.org/data/definitions/329.html
"""
import ast

from ..context import FileContext, argument, is_constant, keyword
from ..model import Confidence, Severity
from ..rule import Rule

_MODES = "cryptography.hazmat.primitives.ciphers.modes"
_CRYPTOGRAPHY_MODES = frozenset(f"{_MODES}.{m}" for m in (
    "CBC", "CTR", "GCM", "CFB", "CFB8", "OFB", "XTS"))
_PYCRYPTODOME = frozenset(
    f"{package}.Cipher.{cipher}.new" for package in ("Crypto", "Cryptodome")
    for cipher in ("AES", "DES3", "ChaCha20", "ChaCha20_Poly1305", "Salsa20", "Blowfish", "CAST"))


def _constant_bytes(node: ast.AST | None) -> bool:
    if node is None:
        return False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id in ("bytes", "bytearray") and node.args and is_constant(node.args[0]):
        return True  # bytes(16)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "fromhex" and node.args and is_constant(node.args[0]):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "encode" and is_constant(node.func.value):
        return True
    return is_constant(node) and not (isinstance(node, ast.Constant) and node.value is None)


class StaticInitializationVector(Rule):
    id = "APX407"
    name = "static-iv-or-nonce"
    category = "weak-crypto"
    cwe = 329
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    calls = _CRYPTOGRAPHY_MODES | _PYCRYPTODOME
    methods = frozenset({"encrypt"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        qualname = ctx.qualname(node.func)
        if qualname in _CRYPTOGRAPHY_MODES:
            value = argument(node, 0) or keyword(node, "initialization_vector") or \
                keyword(node, "nonce") or keyword(node, "tweak")
        elif qualname in _PYCRYPTODOME:
            value = keyword(node, "iv") or keyword(node, "nonce") or argument(node, 2)
        elif len(node.args) == 3 and not node.keywords:  # AESGCM(key).encrypt(nonce, data, aad)
            value = node.args[0]
        else:
            return
        if _constant_bytes(value):
            ctx.report(self, node, "constant IV/nonce; generate a fresh random one per "
                                   "message (os.urandom)")
