"""MD5 or SHA-1 from `hashlib` used without `usedforsecurity=False`.

## What it does
Flags `hashlib.md5`, `hashlib.sha1`, `hashlib.md4`/`ripemd160` through
`hashlib.new("md5")`, and the same constructors imported under other names,
unless the call says `usedforsecurity=False`. The fix adds that argument; apply
it only when the digest is not used for security (a cache key, a checksum, an
ETag).

## Why is this bad
MD5 and SHA-1 are broken: collisions can be computed cheaply, so they cannot
protect passwords, signatures, integrity checks against an attacker or tokens
(CWE-327, CWE-328). `usedforsecurity=False` (Python 3.9+) records that the
digest is not a security control, and keeps the code working on FIPS systems.

## Example
```python
import hashlib
digest = hashlib.md5(payload).hexdigest()
signature = hashlib.new("sha1", message).digest()
```

## Use instead
```python
import hashlib
digest = hashlib.sha256(payload).hexdigest()
cache_key = hashlib.md5(payload, usedforsecurity=False).hexdigest()
```

## References
- https://docs.python.org/3/library/hashlib.html#hashlib.new
- https://cwe.mitre.org/data/definitions/328.html
"""
import ast

from ..context import FileContext, argument, keyword
from ..model import Confidence, Severity
from ..rule import Rule
from ._fixes import add_keyword

_WEAK = frozenset({"md5", "sha1", "md4", "md2", "ripemd160", "sha"})
_CONSTRUCTORS = {f"hashlib.{name}": name for name in ("md5", "sha1", "md4", "ripemd160")}


class InsecureHashlib(Rule):
    id = "APX400"
    name = "insecure-hash-function"
    category = "weak-crypto"
    cwe = 328
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    bandit = ("B324", "B303")
    calls = frozenset({*_CONSTRUCTORS, "hashlib.new"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        declared = keyword(node, "usedforsecurity")
        if declared is not None and not (isinstance(declared, ast.Constant) and declared.value):
            return  # False, or decided at run time
        if any(k.arg is None for k in node.keywords) and declared is None:
            fixable = False  # **kwargs may already carry usedforsecurity
        else:
            fixable = declared is None
        qualname = ctx.qualname(node.func)
        algorithm = _CONSTRUCTORS.get(qualname or "")
        if algorithm is None:
            name = argument(node, 0, "name")
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                return
            algorithm = name.value.lower().replace("-", "")
            if algorithm not in _WEAK:
                return
        fix = None
        if fixable:
            fix = add_keyword(ctx, node, "usedforsecurity=False",
                              "Add usedforsecurity=False (if not used for security)")
        ctx.report(self, node, f"{algorithm.upper()} is a broken hash; use SHA-256 or better, "
                               "or pass usedforsecurity=False if not used for security", fix=fix)
