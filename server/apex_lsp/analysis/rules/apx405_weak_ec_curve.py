"""An elliptic curve smaller than 224 bits.

## What it does
Flags the `cryptography` curves `SECP192R1`, `SECT163K1`, `SECT163R2` and
PyCryptodome's `ECC.generate(curve="P-192")` (and its aliases).

## Why is this bad
Curves below 224 bits give less than 112 bits of security, the minimum current
standards accept (NIST SP 800-57); they are disallowed for new keys (CWE-326).

## Example
```python
from cryptography.hazmat.primitives.asymmetric import ec
key = ec.generate_private_key(ec.SECP192R1())
```

## Use instead
```python
from cryptography.hazmat.primitives.asymmetric import ec
key = ec.generate_private_key(ec.SECP256R1())
```

## References
- https://csrc.nist.gov/pubs/sp/800/57/pt1/r5/final
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

_EC = "cryptography.hazmat.primitives.asymmetric.ec"
_CURVES = frozenset(f"{_EC}.{curve}" for curve in ("SECP192R1", "SECT163K1", "SECT163R2"))
_PYCRYPTODOME = frozenset(f"{p}.PublicKey.ECC.generate" for p in ("Crypto", "Cryptodome"))
_SMALL_NAMES = frozenset({"p192", "nistp192", "prime192v1", "secp192r1"})


class WeakEllipticCurve(Rule):
    id = "APX405"
    name = "weak-elliptic-curve"
    category = "weak-crypto"
    cwe = 326
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    bandit = ("B505",)
    calls = _CURVES | _PYCRYPTODOME

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        qualname = ctx.qualname(node.func)
        if qualname in _CURVES:
            curve = qualname.rpartition(".")[2]
        else:
            given = argument(node, 99, "curve")
            if not (isinstance(given, ast.Constant) and isinstance(given.value, str)):
                return
            curve = given.value
            if curve.lower().replace("-", "") not in _SMALL_NAMES:
                return
        ctx.report(self, node, f"elliptic curve {curve} is smaller than 224 bits; "
                               "use P-256 (SECP256R1) or Ed25519")
