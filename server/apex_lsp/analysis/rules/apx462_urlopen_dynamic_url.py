"""`urllib` opening a URL that is not a literal `http(s)://` URL.

## What it does
Flags `urllib.request.urlopen`, `urlretrieve`, `Request` and
`URLopener().open`/`retrieve` (and the `six.moves` spellings) when the URL is
not a literal and does not visibly start with `http://` or `https://`
(`f"https://api/{x}"` is fine, `urlopen(url)` is flagged). Upper-case
module constants (`urlopen(FEED_URL)`) are assumed to be literal URLs.

## Why is this bad
Besides HTTP, urllib opens `file://` URLs (and `ftp://`, `data:`). When the
URL comes from a user, `file:///etc/passwd` reads local files and internal
addresses can be reached (CWE-22, CWE-918 SSRF).

## Example
```python
from urllib.request import urlopen
body = urlopen(request.args["feed"]).read()
```

## Use instead
```python
from urllib.parse import urlsplit
from urllib.request import urlopen
feed = request.args["feed"]
if urlsplit(feed).scheme not in ("http", "https"):
    raise ValueError("unsupported URL scheme")
body = urlopen(feed, timeout=10).read()  # apex: ignore[APX462] scheme checked above
```

## References
- https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from .apx458_credentials_over_http import url_prefix

_OPENERS = frozenset(
    f"{base}.{name}" for base in ("urllib.request", "six.moves.urllib.request",
                                  "urllib", "urllib2")
    for name in ("urlopen", "urlretrieve", "Request"))


class UrlopenDynamicUrl(Rule):
    id = "APX462"
    name = "urlopen-dynamic-url"
    category = "network"
    cwe = 22
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "network"
    bandit = ("B310",)
    calls = _OPENERS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        url = argument(node, 0, "url")
        if url is None:
            return
        if isinstance(url, ast.Constant):
            if isinstance(url.value, str) and url.value.lower().startswith("file:"):
                ctx.report(self, node, "urllib opens a file:// URL", confidence=Confidence.HIGH)
            return
        if url_prefix(url).lower().startswith(("http://", "https://")):
            return
        if isinstance(url, ast.Name) and url.id.isupper():
            return  # a module constant, most likely a literal URL
        ctx.report(self, node, "urllib also opens file:// and other schemes; check the URL's "
                               "scheme before opening a non-literal URL")
