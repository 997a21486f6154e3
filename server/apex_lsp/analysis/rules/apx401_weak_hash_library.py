"""MD5, MD4, MD2 or SHA-1 from PyCryptodome or `cryptography`.

## What it does
Flags `Crypto.Hash.MD5.new()` (and `MD4`, `MD2`, `SHA`/`SHA1`, also under
`Cryptodome`) and `cryptography.hazmat.primitives.hashes.MD5()` / `SHA1()`.

## Why is this bad
These hashes are broken: collisions are cheap to compute, so they must not back
signatures, integrity checks, password storage or tokens (CWE-328).

## Example
```python
from cryptography.hazmat.primitives import hashes
digest = hashes.Hash(hashes.SHA1())
```

## Use instead
```python
from cryptography.hazmat.primitives import hashes
digest = hashes.Hash(hashes.SHA256())
```

## References
- https://cryptography.io/en/latest/hazmat/primitives/cryptographic-hashes/
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_NAMES = {}
for _package in ("Crypto", "Cryptodome"):
    for _algorithm in ("MD2", "MD4", "MD5", "SHA", "SHA1"):
        _NAMES[f"{_package}.Hash.{_algorithm}.new"] = _algorithm
for _algorithm in ("MD5", "SHA1"):
    _NAMES[f"cryptography.hazmat.primitives.hashes.{_algorithm}"] = _algorithm


class WeakHashLibrary(Rule):
    id = "APX401"
    name = "weak-hash-library"
    category = "weak-crypto"
    cwe = 328
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    bandit = ("B303",)
    calls = frozenset(_NAMES)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        algorithm = _NAMES[ctx.qualname(node.func)]
        ctx.report(self, node, f"{algorithm} is a broken hash; use SHA-256 or better")
