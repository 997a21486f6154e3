"""XML-RPC server exposing an object with `allow_dotted_names=True`.

## What it does
Flags `register_instance(obj, allow_dotted_names=True)` on
`SimpleXMLRPCServer`, `SimpleXMLRPCDispatcher`, `DocXMLRPCServer` and
`CGIXMLRPCRequestHandler` objects (any receiver), and the positional form
`register_instance(obj, True)`.

## Why is this bad
With dotted names a client can call `obj.attr.attr.method`, walking from the
registered object to its module's globals and from there to `os` or
`builtins`; the Python documentation warns it allows arbitrary code
execution (CWE-749).

## Example
```python
server.register_instance(api, allow_dotted_names=True)
```

## Use instead
```python
server.register_instance(api)          # only api's own public methods
server.register_function(api.status)   # or register functions one by one
```

## References
- https://docs.python.org/3/library/xmlrpc.server.html#xmlrpc.server.SimpleXMLRPCServer.register_instance
- https://cwe.mitre.org/data/definitions/749.html
"""
import ast

from ..context import FileContext, argument, is_true
from ..model import Confidence, Severity
from ..rule import Rule


class XmlrpcDottedNames(Rule):
    id = "APX110"
    name = "xmlrpc-allow-dotted-names"
    category = "code-injection"
    cwe = 749
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    methods = frozenset({"register_instance"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if is_true(argument(node, 1, "allow_dotted_names")):
            ctx.report(self, node, "allow_dotted_names=True lets XML-RPC clients reach module "
                                   "globals and run arbitrary code")
