"""TLS host name checking turned off.

## What it does
Flags `context.check_hostname = False` and `check_hostname=False` /
`assert_hostname=False` keyword arguments (urllib3).

## Why is this bad
A valid certificate for *any* domain is then accepted, so an attacker with a
certificate for their own site can impersonate the server (CWE-297).

## Example
```python
import ssl
context = ssl.create_default_context()
context.check_hostname = False
```

## Use instead
```python
import ssl
context = ssl.create_default_context()  # check_hostname stays True
```

## References
- https://docs.python.org/3/library/ssl.html#ssl.SSLContext.check_hostname
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_KEYWORDS = frozenset({"check_hostname", "assert_hostname"})


def _false(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


class CheckHostnameDisabled(Rule):
    id = "APX453"
    name = "check-hostname-disabled"
    category = "tls"
    cwe = 297
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    node_types = (ast.Assign, ast.keyword)
    settings = frozenset({"check_hostname"})
    keywords = _KEYWORDS

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.keyword):
            if node.arg in _KEYWORDS and _false(node.value):
                ctx.report(self, node, f"{node.arg}=False accepts certificates for any host")
            return
        if _false(node.value) and any(
                isinstance(t, ast.Attribute) and t.attr == "check_hostname" for t in node.targets):
            ctx.report(self, node, "check_hostname = False accepts certificates for any host")
