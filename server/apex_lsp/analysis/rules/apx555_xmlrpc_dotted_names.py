"""An XML-RPC instance registered with `allow_dotted_names=True`.

## What it does
Flags `server.register_instance(obj, allow_dotted_names=True)`.

## Why is this bad
Dotted names let a client walk attributes from the registered object:
`obj.__init__.__globals__` reaches the module's globals, and from there any
function or module, which usually means remote code execution. The Python
documentation warns never to enable it on a network-reachable server
(CWE-749, CWE-94).

## Example
```python
server.register_instance(Api(), allow_dotted_names=True)
```

## Use instead
```python
server.register_instance(Api())
```

## References
- https://docs.python.org/3/library/xmlrpc.server.html#xmlrpc.server.SimpleXMLRPCServer.register_instance
"""
import ast

from ..context import FileContext, argument, is_true
from ..model import Confidence, Severity
from ..rule import Rule


class XmlrpcDottedNames(Rule):
    id = "APX555"
    name = "xmlrpc-allow-dotted-names"
    category = "xml"
    cwe = 749
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    methods = frozenset({"register_instance"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if is_true(argument(node, 1, "allow_dotted_names")):
            ctx.report(self, node, "allow_dotted_names=True lets XML-RPC clients reach module "
                                   "globals and run code")
