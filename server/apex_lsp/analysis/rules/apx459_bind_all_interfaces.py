"""A server bound to all network interfaces.

## What it does
Flags `"0.0.0.0"`, `"::"` (and `""` in a socket address tuple) given as the
host to `socket.bind`, `app.run`, `uvicorn.run`, `waitress.serve`,
`aiohttp.web.run_app`, `asyncio.start_server`, `loop.create_server`,
`http.server.HTTPServer`/`socketserver` servers and `make_server` functions.

## Why is this bad
A service listening on every interface is reachable from the whole network,
not just this machine. Development servers, debug endpoints and admin
interfaces are then exposed to anyone who can reach the host (CWE-605,
CWE-1327). Bind to `127.0.0.1` unless the service really is public, and then
make it a deliberate, configurable choice.

## Example
```python
app.run(host="0.0.0.0", port=5000)
```

## Use instead
```python
app.run(host=os.environ.get("HOST", "127.0.0.1"), port=5000)
```

## References
- https://cwe.mitre.org/data/definitions/1327.html
"""
import ast

from ..context import FileContext, argument, keyword
from ..model import Confidence, Severity
from ..rule import Rule

_ALL = frozenset({"0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0"})
#: callee -> (position of the host or address argument, its keyword)
_HOST_FIRST = {
    "uvicorn.run": (99, "host"), "waitress.serve": (99, "host"),
    "aiohttp.web.run_app": (99, "host"), "asyncio.start_server": (1, "host"),
    "asyncio.start_unix_server": (99, "host"),
    "wsgiref.simple_server.make_server": (0, "host"),
    "werkzeug.serving.run_simple": (0, "hostname"),
    "http.server.HTTPServer": (0, "server_address"),
    "http.server.ThreadingHTTPServer": (0, "server_address"),
    "socketserver.TCPServer": (0, "server_address"),
    "socketserver.ThreadingTCPServer": (0, "server_address"),
    "socketserver.UDPServer": (0, "server_address"),
    "xmlrpc.server.SimpleXMLRPCServer": (0, "addr"),
    "multiprocessing.connection.Listener": (0, "address"),
}
_METHODS = {"bind": (0, "address"), "run": (0, "host"), "create_server": (1, "host"),
            "serve": (99, "host"), "listen": (1, "address")}


def _all_interfaces(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and node.value in _ALL:
        return node.value
    if isinstance(node, ast.Tuple) and len(node.elts) >= 2:
        host = node.elts[0]
        if isinstance(host, ast.Constant) and (host.value in _ALL or host.value == ""):
            return host.value or '""'
    return None


class BindAllInterfaces(Rule):
    id = "APX459"
    name = "bind-all-interfaces"
    category = "network"
    cwe = 605
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "network"
    bandit = ("B104",)
    calls = frozenset(_HOST_FIRST)
    methods = frozenset(_METHODS)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        spec = _HOST_FIRST.get(ctx.qualname(node.func) or "")
        if spec is None and isinstance(node.func, ast.Attribute):
            spec = _METHODS.get(node.func.attr)
        if spec is None:
            return
        position, name = spec
        host = _all_interfaces(argument(node, position, name))
        if host is None and position != 99:
            host = _all_interfaces(keyword(node, "host"))
        if host is not None:
            ctx.report(self, node, f"binding to {host} exposes the service on every network "
                                   "interface; bind to 127.0.0.1 or make it configurable")
