"""Certificate verification set to `CERT_NONE`.

## What it does
Flags `ssl.CERT_NONE` (or the strings `"CERT_NONE"`/`"none"` urllib3 accepts)
assigned to `verify_mode` or passed as `cert_reqs=`/`verify_mode=`.
Comparisons such as `if ctx.verify_mode == ssl.CERT_NONE` are not flagged.

## Why is this bad
With `CERT_NONE` the peer's certificate is not checked at all; the connection
is encrypted but to whoever answers, so a man in the middle can read and
modify it (CWE-295).

## Example
```python
import ssl
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
```

## Use instead
```python
import ssl
context = ssl.create_default_context(cafile="internal-ca.pem")
```

## References
- https://docs.python.org/3/library/ssl.html#ssl.CERT_NONE
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_KEYWORDS = frozenset({"cert_reqs", "verify_mode"})


class CertNone(Rule):
    id = "APX452"
    name = "cert-none"
    category = "tls"
    cwe = 295
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B501",)
    node_types = (ast.Assign, ast.keyword)
    settings = frozenset({"verify_mode"})
    keywords = _KEYWORDS

    @staticmethod
    def _is_cert_none(node: ast.AST, ctx: FileContext) -> bool:
        if isinstance(node, ast.Constant):
            return node.value in ("CERT_NONE", "none", "NONE")
        return ctx.qualname(node) in ("ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE")

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.keyword):
            if node.arg in _KEYWORDS and self._is_cert_none(node.value, ctx):
                ctx.report(self, node, f"{node.arg}=CERT_NONE disables certificate verification")
            return
        if any(isinstance(t, ast.Attribute) and t.attr == "verify_mode" for t in node.targets) \
                and self._is_cert_none(node.value, ctx):
            ctx.report(self, node, "verify_mode = CERT_NONE disables certificate verification")
