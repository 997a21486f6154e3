"""Credentials sent to an `http://` URL.

## What it does
Flags `requests`/`httpx` calls (and session/client methods) whose URL is an
`http://` literal (or starts with one) and that carry credentials: `auth=`,
a user and password in the URL (`http://user:pw@host`), an `Authorization` or
API-key header, or a password/token field in `data=`/`json=`/`params=`.
Loopback hosts (`localhost`, `127.0.0.1`, `[::1]`) are not flagged.

## Why is this bad
Plain HTTP is readable and changeable by anyone on the network path, so the
credentials are disclosed with the first request (CWE-319, CWE-523).

## Example
```python
import requests
requests.post("http://api.example.com/login", json={"password": password}, timeout=10)
```

## Use instead
```python
import requests
requests.post("https://api.example.com/login", json={"password": password}, timeout=10)
```

## References
- https://cwe.mitre.org/data/definitions/319.html
"""
import ast
import re

from ..context import FileContext, argument, keyword
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import name_kind

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
_LOOPBACK = re.compile(r"http://(?:[^/@]*@)?(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?:[:/]|$)",
                       re.IGNORECASE)
_USERINFO = re.compile(r"http://[^/@\s:]+:[^/@\s]+@", re.IGNORECASE)
_AUTH_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "api-key",
                           "x-auth-token", "cookie"})


def url_prefix(node: ast.AST | None) -> str:
    """The literal start of a URL expression (`"http://h/" + path` gives `"http://h/"`)."""
    for _ in range(8):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr) and node.values:
            node = node.values[0]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            node = node.left
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "format":
            node = node.func.value
        else:
            return ""
    return ""


def _carries_credentials(node: ast.Call, url: str) -> str | None:
    if keyword(node, "auth") is not None:
        return "auth="
    if _USERINFO.match(url):
        return "a password in the URL"
    headers = keyword(node, "headers")
    if isinstance(headers, ast.Dict):
        for key in headers.keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and \
                    key.value.lower() in _AUTH_HEADERS:
                return f"the {key.value} header"
    for field in ("data", "json", "params"):
        body = keyword(node, field)
        if isinstance(body, ast.Dict):
            for key in body.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and \
                        name_kind(key.value):
                    return f"the '{key.value}' field"
    return None


class CredentialsOverHttp(Rule):
    id = "APX458"
    name = "credentials-over-http"
    category = "cleartext-protocol"
    cwe = 319
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "network"
    calls = frozenset({*(f"requests.{v}" for v in _VERBS), *(f"httpx.{v}" for v in _VERBS)})
    methods = frozenset(_VERBS)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        qualname = ctx.qualname(node.func) or ""
        position = 1 if qualname.endswith(".request") or (
            isinstance(node.func, ast.Attribute) and node.func.attr == "request") else 0
        url = url_prefix(argument(node, position, "url"))
        if not url[:7].lower() == "http://" or _LOOPBACK.match(url):
            return
        what = _carries_credentials(node, url)
        if what:
            ctx.report(self, node, f"{what} sent over plain http://; use https://")
