"""A block cipher used in ECB mode.

## What it does
Flags `cryptography`'s `modes.ECB()` and PyCryptodome ciphers created with
`MODE_ECB` (`AES.new(key, AES.MODE_ECB)`).

## Why is this bad
ECB encrypts equal plaintext blocks to equal ciphertext blocks, so patterns in
the data stay visible and blocks can be cut, reordered and replayed (CWE-327).

## Example
```python
from Crypto.Cipher import AES
cipher = AES.new(key, AES.MODE_ECB)
```

## Use instead
```python
from Crypto.Cipher import AES
cipher = AES.new(key, AES.MODE_GCM)
```

## References
- https://cwe.mitre.org/data/definitions/327.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

_PYCRYPTODOME = frozenset(
    f"{package}.Cipher.{cipher}.new" for package in ("Crypto", "Cryptodome")
    for cipher in ("AES", "DES", "DES3", "Blowfish", "CAST", "ARC2"))
_ECB = frozenset({"cryptography.hazmat.primitives.ciphers.modes.ECB"})


class EcbMode(Rule):
    id = "APX403"
    name = "ecb-mode"
    category = "weak-crypto"
    cwe = 327
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    bandit = ("B305",)
    calls = _PYCRYPTODOME | _ECB

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.qualname(node.func) not in _ECB:
            mode = argument(node, 1, "mode")
            if not ((isinstance(mode, ast.Attribute) and mode.attr == "MODE_ECB") or
                    (isinstance(mode, ast.Name) and mode.id == "MODE_ECB") or
                    (isinstance(mode, ast.Constant) and mode.value == 1)):
                return
        ctx.report(self, node, "ECB mode leaks patterns of the plaintext; use an "
                               "authenticated mode such as GCM")
