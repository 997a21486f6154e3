"""Outgoing HTTP request to a URL taken from the incoming request.

## What it does
Flags `requests.get/post/put/patch/delete/head/options/request`,
`httpx` functions, `urllib.request.urlopen` and `urllib.request.Request`
when the URL is read straight from the incoming request
(`request.args["url"]`, `request.GET.get("callback")`, `request.json[...]`)
or is a string built from such a value whose fixed part does not pin the
scheme and host.

## Why is this bad
Server-side request forgery (CWE-918): the attacker makes your server fetch
URLs for them, reaching internal services, cloud metadata endpoints
(`http://169.254.169.254/`) and admin interfaces that trust the server's
network position, or reading local files through `file://` with urllib.

## Example
```python
preview = requests.get(request.args["url"], timeout=5)
```

## Use instead
Parse the URL, allow only `https`, resolve the host and refuse private,
loopback and link-local addresses, or fetch only from an allow-list of
hosts:
```python
url = urllib.parse.urlsplit(request.args["url"])
if url.scheme != "https" or url.hostname not in ALLOWED_HOSTS:
    abort(400)
preview = requests.get(url.geturl(), timeout=5, allow_redirects=False)
```

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html
- https://cwe.mitre.org/data/definitions/918.html
"""
import ast
import re

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from .apx313_open_redirect import built_from_request, from_request

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
#: Callee -> position of the URL argument.
_URL_ARG = {**{f"{lib}.{verb}": 0 for lib in ("requests", "httpx") for verb in _VERBS},
            "requests.request": 1, "httpx.request": 1, "httpx.stream": 1,
            "urllib.request.urlopen": 0, "urllib.request.Request": 0,
            "urllib.request.urlretrieve": 0, "urllib3.request": 1}
#: A fixed prefix that names scheme and host ("https://api.example.com/").
_PINNED = re.compile(r"^[a-zA-Z][\w+.-]*://[^/{}]+/")


class SsrfUrlFromRequest(Rule):
    id = "APX319"
    name = "ssrf-url-from-request"
    category = "ssrf"
    cwe = 918
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    calls = frozenset(_URL_ARG)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        url = argument(node, _URL_ARG[ctx.qualname(node.func) or ""], "url")
        if url is None:
            return
        if from_request(url):
            ctx.report(self, node, "outgoing request to a URL taken from the incoming request "
                                   "(server-side request forgery)")
        elif built_from_request(url, lambda prefix: bool(_PINNED.match(prefix))):
            ctx.report(self, node, "outgoing request to a URL built from the incoming request "
                                   "without a fixed host", confidence=Confidence.MEDIUM)
