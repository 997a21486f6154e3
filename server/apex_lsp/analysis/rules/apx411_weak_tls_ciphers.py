"""TLS cipher suites opened up to NULL, export, anonymous, RC4 or DES ciphers.

## What it does
Flags `context.set_ciphers("...")` (the stdlib `ssl.SSLContext` and pyOpenSSL's
`set_cipher_list`) and `ciphers="..."` keyword arguments whose literal cipher
string enables `NULL`, `eNULL`/`aNULL`, `EXPORT`/`EXP`, `RC4`, `DES`/`3DES`,
`MD5`, anonymous (`ADH`, `AECDH`) or `COMPLEMENTOFALL` suites, by keyword or by
name (`RC4-SHA`, `DES-CBC3-SHA`). Exclusions (`!aNULL`, `-RC4`) are fine.

## Why is this bad
These suites give no encryption (NULL), no server authentication (anonymous
Diffie-Hellman), or keys and algorithms that are broken (EXPORT, RC4, DES),
so a man in the middle can read or alter traffic once they are negotiated
(CWE-327).

## Example
```python
import ssl
context = ssl.create_default_context()
context.set_ciphers("ALL:eNULL")
```

## Use instead
```python
import ssl
context = ssl.create_default_context()  # the defaults are sound
context.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!MD5")
```

## References
- https://docs.python.org/3/library/ssl.html#ssl.SSLContext.set_ciphers
"""
import ast
import re

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

#: Cipher-string keywords and name parts (RC4-SHA, DES-CBC3-SHA, EXP-RC4-MD5) that are weak.
_WEAK = re.compile(r"(?i)(?:e?null|a?null|exp(?:ort)?(?:40|56)?|rc4|3?des|md5"
                   r"|complementofall|adh|aecdh)")


def weak_entries(spec: str) -> list[str]:
    found = []
    for entry in re.split(r"[:, ]+", spec):
        if not entry or entry.startswith(("!", "-")):
            continue  # exclusions
        if any(_WEAK.fullmatch(part) for part in re.split(r"[+-]", entry.lstrip("+"))):
            found.append(entry)
    return found


class WeakTlsCiphers(Rule):
    id = "APX411"
    name = "weak-tls-ciphers"
    category = "tls"
    cwe = 327
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    methods = frozenset({"set_ciphers", "set_cipher_list"})
    node_types = (ast.keyword,)
    keywords = frozenset({"ciphers"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        self._check(argument(node, 0, "ciphers"), node, ctx)

    def check(self, node: ast.keyword, ctx: FileContext) -> None:
        if node.arg == "ciphers":
            self._check(node.value, node, ctx)

    def _check(self, value: ast.AST | None, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)):
            spec = value.value if isinstance(value.value, str) else value.value.decode("latin-1")
            weak = weak_entries(spec)
            if weak:
                ctx.report(self, node, f"cipher string enables weak suites ({', '.join(weak[:3])})")
