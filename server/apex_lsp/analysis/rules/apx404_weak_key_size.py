"""An RSA or DSA key generated with fewer than 2048 bits.

## What it does
Flags key generation with a literal size below 2048 bits:
`cryptography`'s `rsa.generate_private_key(key_size=...)` and
`dsa.generate_private_key(...)`, PyCryptodome's `RSA.generate(bits)` and
`DSA.generate(bits)`, paramiko's `RSAKey.generate(bits)`/`DSSKey.generate(bits)`
and pyOpenSSL's `PKey().generate_key(type, bits)`.

## Why is this bad
1024-bit RSA and DSA are within reach of well-funded attackers and below every
current recommendation (NIST SP 800-131A requires 2048 bits); 512-bit keys are
factored in hours on rented machines (CWE-326).

## Example
```python
from cryptography.hazmat.primitives.asymmetric import rsa
key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
```

## Use instead
```python
from cryptography.hazmat.primitives.asymmetric import rsa
key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
```

## References
- https://csrc.nist.gov/pubs/sp/800/131/a/r2/final
"""
import ast

from ..context import FileContext, argument, literal
from ..model import Confidence, Severity
from ..rule import Rule

_ASYM = "cryptography.hazmat.primitives.asymmetric"
#: qualified name -> (algorithm, position of the size argument, its keyword)
_GENERATORS = {
    f"{_ASYM}.rsa.generate_private_key": ("RSA", 1, "key_size"),
    f"{_ASYM}.dsa.generate_private_key": ("DSA", 0, "key_size"),
    f"{_ASYM}.dsa.generate_parameters": ("DSA", 0, "key_size"),
    "paramiko.RSAKey.generate": ("RSA", 0, "bits"),
    "paramiko.DSSKey.generate": ("DSA", 0, "bits"),
    "paramiko.rsakey.RSAKey.generate": ("RSA", 0, "bits"),
    "paramiko.dsskey.DSSKey.generate": ("DSA", 0, "bits"),
}
for _package in ("Crypto", "Cryptodome"):
    _GENERATORS[f"{_package}.PublicKey.RSA.generate"] = ("RSA", 0, "bits")
    _GENERATORS[f"{_package}.PublicKey.DSA.generate"] = ("DSA", 0, "bits")
MINIMUM_BITS = 2048


class WeakKeySize(Rule):
    id = "APX404"
    name = "weak-key-size"
    category = "weak-crypto"
    cwe = 326
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    bandit = ("B505",)
    calls = frozenset(_GENERATORS)
    methods = frozenset({"generate_key"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        spec = _GENERATORS.get(ctx.qualname(node.func) or "")
        if spec is None:  # pyOpenSSL: PKey().generate_key(crypto.TYPE_RSA, 1024)
            kind = argument(node, 0, "type")
            if not (isinstance(kind, ast.Attribute) and kind.attr in ("TYPE_RSA", "TYPE_DSA")):
                return
            spec = (kind.attr[5:], 1, "bits")
        algorithm, position, name = spec
        bits = literal(argument(node, position, name), None)
        if not isinstance(bits, int) or isinstance(bits, bool) or bits >= MINIMUM_BITS:
            return
        severity = Severity.HIGH if bits < 1024 else Severity.MEDIUM
        ctx.report(self, node, f"{algorithm} key of {bits} bits is too small; use at least "
                               f"{MINIMUM_BITS} (3072 for use beyond 2030)", severity=severity)
