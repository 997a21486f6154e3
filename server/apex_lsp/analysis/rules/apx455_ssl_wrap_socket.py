"""`ssl.wrap_socket`, which neither verifies certificates nor checks host names.

## What it does
Flags calls to the module-level `ssl.wrap_socket()` function.

## Why is this bad
`ssl.wrap_socket` defaults to `cert_reqs=CERT_NONE` and never checks the host
name, so client connections accept any certificate (CWE-295). It was
deprecated in Python 3.7 and removed in 3.12, so the code also breaks on
current Python.

## Example
```python
import socket, ssl
sock = ssl.wrap_socket(socket.create_connection((host, 443)))
```

## Use instead
```python
import socket, ssl
context = ssl.create_default_context()
sock = context.wrap_socket(socket.create_connection((host, 443)), server_hostname=host)
```

## References
- https://docs.python.org/3.11/library/ssl.html#ssl.wrap_socket
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule


class SslWrapSocket(Rule):
    id = "APX455"
    name = "ssl-wrap-socket"
    category = "tls"
    cwe = 295
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B504",)
    calls = frozenset({"ssl.wrap_socket"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        ctx.report(self, node, "ssl.wrap_socket() does not verify certificates or host names "
                               "(removed in 3.12); use SSLContext.wrap_socket(server_hostname=...)")
