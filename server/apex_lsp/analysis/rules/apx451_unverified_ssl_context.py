"""An SSL context that does not verify certificates.

## What it does
Flags `ssl._create_unverified_context()`, `ssl._create_stdlib_context()` and
assigning either to `ssl._create_default_https_context` (the monkey-patch that
turns verification off for the whole process).

## Why is this bad
These private helpers build contexts with `CERT_NONE` and no host name check,
so any certificate is accepted and a man in the middle can read and alter the
connection (CWE-295).

## Example
```python
import ssl, urllib.request
urllib.request.urlopen(url, context=ssl._create_unverified_context())
```

## Use instead
```python
import ssl, urllib.request
urllib.request.urlopen(url, context=ssl.create_default_context(cafile="internal-ca.pem"))
```

## References
- https://peps.python.org/pep-0476/
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_UNVERIFIED = frozenset({"ssl._create_unverified_context", "ssl._create_stdlib_context"})


class UnverifiedSslContext(Rule):
    id = "APX451"
    name = "unverified-ssl-context"
    category = "tls"
    cwe = 295
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B323",)
    calls = _UNVERIFIED
    node_types = (ast.Assign,)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        ctx.report(self, node, f"{ctx.qualname(node.func)}() accepts any certificate; use "
                               "ssl.create_default_context()")

    def check(self, node: ast.Assign, ctx: FileContext) -> None:
        if node.value.__class__ is not ast.Attribute and node.value.__class__ is not ast.Name:
            return  # only a (dotted) name can be one of the unverified factories
        if ctx.qualname(node.value) in _UNVERIFIED and any(
                ctx.qualname(t) == "ssl._create_default_https_context" for t in node.targets):
            ctx.report(self, node, "patching ssl._create_default_https_context turns off "
                                   "certificate verification for the whole process")
