"""SSL 2/3 or TLS 1.0/1.1 requested explicitly.

## What it does
Flags `ssl.PROTOCOL_SSLv2`, `PROTOCOL_SSLv3`, `PROTOCOL_TLSv1` and
`PROTOCOL_TLSv1_1` given to `ssl.SSLContext`, `ssl.wrap_socket` or
`ssl_version=`; `minimum_version`/`maximum_version` set to
`TLSVersion.SSLv3`, `TLSv1` or `TLSv1_1`; and pyOpenSSL's `SSLv2_METHOD`,
`SSLv3_METHOD`, `TLSv1_METHOD`, `TLSv1_1_METHOD` in `SSL.Context(...)`.

## Why is this bad
These protocol versions have known attacks (POODLE, BEAST, DROWN) and weak
cipher suites; they are deprecated by RFC 8996 and refused by modern peers
(CWE-327).

## Example
```python
import ssl
context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
```

## Use instead
```python
import ssl
context = ssl.create_default_context()
context.minimum_version = ssl.TLSVersion.TLSv1_2
```

## References
- https://www.rfc-editor.org/rfc/rfc8996
"""
import ast

from ..context import FileContext, argument, keyword
from ..model import Confidence, Severity
from ..rule import Rule

_OLD = frozenset({"PROTOCOL_SSLv2", "PROTOCOL_SSLv3", "PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1",
                  "SSLv2_METHOD", "SSLv3_METHOD", "TLSv1_METHOD", "TLSv1_1_METHOD",
                  "SSLv3", "TLSv1", "TLSv1_1"})
_CALLS = frozenset({"ssl.SSLContext", "ssl.wrap_socket", "OpenSSL.SSL.Context",
                    "ssl.get_server_certificate"})


def _old_version(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Attribute) and node.attr in _OLD:
        return node.attr
    if isinstance(node, ast.Name) and node.id in _OLD:
        return node.id
    return None


class InsecureTlsVersion(Rule):
    id = "APX454"
    name = "insecure-tls-version"
    category = "tls"
    cwe = 327
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B502", "B503")
    calls = _CALLS
    node_types = (ast.Assign,)
    settings = frozenset({"minimum_version"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        qualname = ctx.qualname(node.func)
        position = {"ssl.SSLContext": 0, "OpenSSL.SSL.Context": 0}.get(qualname, 99)
        version = _old_version(argument(node, position, "protocol")) or \
            _old_version(keyword(node, "ssl_version")) or _old_version(keyword(node, "method"))
        if version:
            ctx.report(self, node, f"{version} is an obsolete protocol version; require "
                                   "TLS 1.2 or later")

    def check(self, node: ast.Assign, ctx: FileContext) -> None:
        version = _old_version(node.value)
        if version and any(isinstance(t, ast.Attribute) and t.attr == "minimum_version"
                           for t in node.targets):
            ctx.report(self, node, f"minimum_version {version} allows an obsolete protocol; "
                                   "use TLSVersion.TLSv1_2 or later")
