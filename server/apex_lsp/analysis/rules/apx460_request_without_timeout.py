"""An HTTP request that can wait forever.

## What it does
Flags `requests` calls (`requests.get`, `post`, ..., `request`) and
`urllib.request.urlopen` without a `timeout=` argument (or with
`timeout=None`), and `httpx` calls or clients with
an explicit `timeout=None` (httpx has a 5-second default, so leaving it out is
fine). The fix adds `timeout=30`; pick the value that suits the service.

## Why is this bad
`requests` has no default timeout, and `urlopen` waits as long as the
process-wide socket default (forever, unless someone set one): a server that
accepts the connection and never answers (or answers one byte a minute) blocks
the caller forever, tying up a worker per request; that is an easy denial of
service (CWE-400, CWE-1088).

## Example
```python
import requests
response = requests.get(url)
```

## Use instead
```python
import requests
response = requests.get(url, timeout=30)
```

## References
- https://requests.readthedocs.io/en/latest/user/advanced/#timeouts
"""
import ast

from ..context import FileContext, keyword
from ..model import Confidence, Severity
from ..rule import Rule
from ._fixes import add_keyword

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
_REQUESTS = frozenset(f"requests.{v}" for v in _VERBS) | frozenset(
    f"requests.api.{v}" for v in _VERBS)
_URLLIB = frozenset({"urllib.request.urlopen", "six.moves.urllib.request.urlopen"})
_HTTPX = frozenset({*(f"httpx.{v}" for v in (*_VERBS, "stream")), "httpx.Client",
                    "httpx.AsyncClient"})


class RequestWithoutTimeout(Rule):
    id = "APX460"
    name = "request-without-timeout"
    category = "network"
    cwe = 400
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B113",)
    calls = _REQUESTS | _HTTPX | _URLLIB

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        timeout = keyword(node, "timeout")
        if isinstance(timeout, ast.Constant) and timeout.value is None:
            ctx.report(self, node, "timeout=None lets the request wait forever")
            return
        if timeout is not None or ctx.qualname(node.func) in _HTTPX:
            return
        if ctx.qualname(node.func) in _URLLIB and len(node.args) >= 3:
            return  # urlopen(url, data, timeout)
        if any(k.arg is None for k in node.keywords):
            ctx.report(self, node, "request has no timeout unless **kwargs gives one",
                       confidence=Confidence.LOW)
            return
        fix = add_keyword(ctx, node, "timeout=30", "Add timeout=30")
        ctx.report(self, node, "request without timeout= can hang forever", fix=fix)
