"""A bare `ssl.SSLContext()` handed to a client connection.

## What it does
Flags `context=`, `ssl_context=` and `ssl=` arguments whose value is
`ssl.SSLContext()` created without a protocol or with `PROTOCOL_TLS` /
`PROTOCOL_SSLv23` (also for `urlopen`, `HTTPSConnection`, `SMTP_SSL`,
`starttls`, `IMAP4_SSL`, aiohttp and others, since any receiver is checked),
and `ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)` passed the same way.

## Why is this bad
Such contexts are meant for servers: they have `verify_mode = CERT_NONE` and
`check_hostname = False`. Used by a client they accept any certificate, so
the connection can be intercepted (CWE-295).

## Example
```python
import ssl, urllib.request
urllib.request.urlopen(url, context=ssl.SSLContext(ssl.PROTOCOL_TLS))
```

## Use instead
```python
import ssl, urllib.request
urllib.request.urlopen(url, context=ssl.create_default_context())
```

## References
- https://docs.python.org/3/library/ssl.html#ssl.SSLContext
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

_KEYWORDS = frozenset({"context", "ssl_context", "ssl"})
_SERVER_PROTOCOLS = frozenset({"PROTOCOL_TLS", "PROTOCOL_SSLv23"})


def _server_context(node: ast.AST, ctx: FileContext) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    qualname = ctx.qualname(node.func)
    if qualname == "ssl.SSLContext":
        protocol = argument(node, 0, "protocol")
        if protocol is None:
            return "ssl.SSLContext()"
        name = protocol.attr if isinstance(protocol, ast.Attribute) else \
            protocol.id if isinstance(protocol, ast.Name) else None
        return f"ssl.SSLContext({name})" if name in _SERVER_PROTOCOLS else None
    if qualname == "ssl.create_default_context":
        purpose = argument(node, 0, "purpose")
        if isinstance(purpose, ast.Attribute) and purpose.attr == "CLIENT_AUTH":
            return "create_default_context(Purpose.CLIENT_AUTH)"
    return None


class UnverifiedClientContext(Rule):
    id = "APX468"
    name = "server-context-used-by-client"
    category = "tls"
    cwe = 295
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    node_types = (ast.keyword,)
    keywords = _KEYWORDS

    def check(self, node: ast.keyword, ctx: FileContext) -> None:
        if node.arg in _KEYWORDS:
            made = _server_context(node.value, ctx)
            if made:
                ctx.report(self, node, f"{made} does not verify certificates; clients need "
                                       "ssl.create_default_context()")
