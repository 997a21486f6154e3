"""An HTTP request with TLS certificate verification turned off.

## What it does
Flags `verify=False` in `requests` and `httpx` calls (module functions,
`Session`/`Client` methods and constructors), `ssl=False` or
`verify_ssl=False` in `aiohttp` (`session.get(...)`, `TCPConnector(...)`),
and `session.verify = False`. The fix deletes the keyword argument, which
restores the library's default of verifying certificates.

## Why is this bad
Without verification anyone on the network path (public Wi-Fi, a compromised
router, a proxy) can present their own certificate, read the traffic and change
it, including credentials and responses the program trusts (CWE-295).

## Example
```python
import requests
response = requests.get(url, verify=False, timeout=10)
```

## Use instead
```python
import requests
response = requests.get(url, timeout=10)  # or verify="/path/to/internal-ca.pem"
```

## References
- https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification
- https://cwe.mitre.org/data/definitions/295.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._fixes import remove_keyword

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
          "send", "ws_connect")
_CLIENTS = frozenset({
    *(f"requests.{v}" for v in _VERBS), "requests.Session", "requests.session",
    *(f"httpx.{v}" for v in _VERBS), "httpx.Client", "httpx.AsyncClient",
    "httpx.HTTPTransport", "httpx.AsyncHTTPTransport",
    "aiohttp.TCPConnector", "aiohttp.ClientSession", "aiohttp.request"})
_KEYWORDS = ("verify", "ssl", "verify_ssl")


class TlsVerificationDisabled(Rule):
    id = "APX450"
    name = "tls-verification-disabled"
    category = "tls"
    cwe = 295
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B501",)
    calls = _CLIENTS
    methods = frozenset(_VERBS)
    node_types = (ast.Assign,)
    settings = frozenset({"verify"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        for kw in node.keywords:
            value = kw.value
            if kw.arg in _KEYWORDS and isinstance(value, ast.Constant) and value.value is False:
                if kw.arg == "ssl" and not self._aiohttp(node, ctx):
                    continue
                fix = remove_keyword(ctx, node, kw, f"Remove {kw.arg}=False (verify certificates)")
                ctx.report(self, kw, f"{kw.arg}=False disables TLS certificate verification",
                           fix=fix)
                return

    @staticmethod
    def _aiohttp(node: ast.Call, ctx: FileContext) -> bool:
        qualname = ctx.qualname(node.func) or ""
        # ssl=False means "no verification" in aiohttp; elsewhere it may mean plain TCP.
        return qualname.startswith("aiohttp.") or isinstance(node.func, ast.Attribute) and \
            node.func.attr in _VERBS

    def check(self, node: ast.Assign, ctx: FileContext) -> None:
        if isinstance(node.value, ast.Constant) and node.value.value is False:
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "verify":
                    ctx.report(self, node, "session.verify = False disables TLS certificate "
                                           "verification for every request")
                    return
