"""An XML-RPC server, which parses XML from the network with an unhardened parser.

## What it does
Flags `xmlrpc.server.SimpleXMLRPCServer`, `DocXMLRPCServer`,
`MultiPathXMLRPCServer` and `CGIXMLRPCRequestHandler` (and the Python 2
`SimpleXMLRPCServer` module).

## Why is this bad
Every request body is parsed with expat without protection against entity
expansion, so one small request can exhaust the server's memory and CPU
(CWE-776). XML-RPC servers also have no authentication of their own. Call
`defusedxml.xmlrpc.monkey_patch()` at start-up (and then suppress this
finding), or use another protocol.

## Example
```python
from xmlrpc.server import SimpleXMLRPCServer
server = SimpleXMLRPCServer(("127.0.0.1", 8000))
```

## Use instead
```python
from defusedxml.xmlrpc import monkey_patch
from xmlrpc.server import SimpleXMLRPCServer
monkey_patch()
server = SimpleXMLRPCServer(("127.0.0.1", 8000))  # apex: ignore[APX554] defused above
```

## References
- https://docs.python.org/3/library/xmlrpc.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_SERVERS = frozenset(
    f"{module}.{name}" for module in ("xmlrpc.server", "SimpleXMLRPCServer", "DocXMLRPCServer")
    for name in ("SimpleXMLRPCServer", "DocXMLRPCServer", "MultiPathXMLRPCServer",
                 "CGIXMLRPCRequestHandler", "DocCGIXMLRPCRequestHandler"))


class XmlrpcServer(Rule):
    id = "APX554"
    name = "xmlrpc-server"
    category = "xml"
    cwe = 776
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    capability = "network"
    bandit = ("B411",)
    calls = _SERVERS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        ctx.report(self, node, "XML-RPC parses network input with an unhardened XML parser; "
                               "call defusedxml.xmlrpc.monkey_patch()")
