"""Untrusted data chooses the URL of an outbound request (SSRF).

## What it does
Reports a path from untrusted input to the URL of `requests`, `httpx`,
`urllib.request.urlopen`/`Request`, `http.client` connections, `aiohttp`
(and `session.get(url)`-style calls on objects named like a session or
client). A guard `urlparse(url).netloc in ALLOWED_HOSTS` clears it.

## Why is this bad
The server fetches what the attacker names: internal services, cloud
metadata endpoints (credentials), or files via other schemes (CWE-918).

## Example
```python
@app.route("/preview")
def preview():
    return requests.get(request.args["url"], timeout=5).text
```

## Use instead
```python
@app.route("/preview")
def preview():
    url = request.args["url"]
    if urlparse(url).netloc not in ALLOWED_HOSTS:
        abort(400)
    return requests.get(url, timeout=5).text
```

## References
- https://cwe.mitre.org/data/definitions/918.html
"""
from ..taint.rulebase import TaintRule


class TaintSsrf(TaintRule):
    kind = "ssrf"
    name = "taint-ssrf"
    cwe = 918
    capability = "network"
