"""A password hashed with a plain, fast hash function.

## What it does
Flags `hashlib` constructors (`sha256`, `sha512`, `sha3_256`, `blake2b`,
`md5`, ...) and `hashlib.new(name, data)` whose data is a password: a name
like `password`, `passwd` or `pwd`, its `.encode()`, or a concatenation or
f-string containing one (`salt + password`).

## Why is this bad
General-purpose hashes are built to be fast: a GPU tries billions of
candidates per second, so a leaked table of SHA-256 password hashes is cracked
quickly, salted or not (CWE-916).

## Example
```python
import hashlib
stored = hashlib.sha256(password.encode()).hexdigest()
```

## Use instead
```python
import hashlib, os
salt = os.urandom(16)
stored = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
```
or a maintained library: `argon2-cffi`, `bcrypt`, `passlib`.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
- https://cwe.mitre.org/data/definitions/916.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import PASSWORD, expression_name, name_kind

_HASHES = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256",
           "sha3_384", "sha3_512", "blake2b", "blake2s")


def _password_in(node: ast.AST | None, depth: int = 0) -> str | None:
    if node is None or depth > 3:
        return None
    name = expression_name(node)
    if name_kind(name) == PASSWORD:
        return name
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _password_in(node.left, depth + 1) or _password_in(node.right, depth + 1)
    if isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                found = _password_in(part.value, depth + 1)
                if found:
                    return found
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "encode":
        return _password_in(node.func.value, depth + 1)
    return None


class FastPasswordHash(Rule):
    id = "APX408"
    name = "fast-password-hash"
    category = "weak-crypto"
    cwe = 916
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    calls = frozenset({*(f"hashlib.{h}" for h in _HASHES), "hashlib.new"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.qualname(node.func) == "hashlib.new":
            data = argument(node, 1, "data")
        else:
            data = argument(node, 0, "data") or argument(node, 0, "string")
        name = _password_in(data)
        if name:
            ctx.report(self, node, f"'{name}' is hashed with a fast hash; use a password "
                                   "hash (scrypt, argon2, bcrypt, PBKDF2)")
