"""A broken or legacy block/stream cipher: DES, 3DES, RC4, RC2, Blowfish, IDEA, CAST.

## What it does
Flags ciphers created with PyCryptodome (`Crypto.Cipher.DES.new`, `DES3`,
`ARC4`, `ARC2`, `Blowfish`, `CAST`, also under `Cryptodome`) and with
`cryptography` (`algorithms.TripleDES`, `ARC4`, `Blowfish`, `IDEA`, `CAST5`,
`SEED`), and `pyDes`.

## Why is this bad
DES keys are brute-forced in hours; RC4 has biased output that leaks
plaintext; 64-bit block ciphers (3DES, Blowfish, IDEA, CAST5) are broken by the
Sweet32 birthday attack on long streams (CWE-327).

## Example
```python
from Crypto.Cipher import DES
cipher = DES.new(key, DES.MODE_CBC, iv)
```

## Use instead
```python
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
ciphertext = AESGCM(key).encrypt(nonce, plaintext, None)
```

## References
- https://cwe.mitre.org/data/definitions/327.html
- https://sweet32.info/
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_NAMES = {}
for _package in ("Crypto", "Cryptodome"):
    for _cipher in ("DES", "DES3", "ARC4", "ARC2", "Blowfish", "CAST", "XOR"):
        _NAMES[f"{_package}.Cipher.{_cipher}.new"] = _cipher
for _base in ("cryptography.hazmat.primitives.ciphers.algorithms",
              "cryptography.hazmat.decrepit.ciphers.algorithms"):
    for _cipher in ("TripleDES", "ARC4", "Blowfish", "IDEA", "CAST5", "SEED"):
        _NAMES[f"{_base}.{_cipher}"] = _cipher
_NAMES.update({"pyDes.des": "DES", "pyDes.triple_des": "TripleDES"})


class WeakCipher(Rule):
    id = "APX402"
    name = "weak-cipher"
    category = "weak-crypto"
    cwe = 327
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    bandit = ("B304",)
    calls = frozenset(_NAMES)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        cipher = _NAMES[ctx.qualname(node.func)]
        ctx.report(self, node, f"{cipher} is a broken or legacy cipher; use AES-GCM or "
                               "ChaCha20-Poly1305")
