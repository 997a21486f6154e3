"""Untrusted data chooses a redirect target (open redirect).

## What it does
Reports a path from untrusted input to Flask/Werkzeug `redirect`, Django
`redirect`/`HttpResponseRedirect`, Starlette/FastAPI `RedirectResponse` or
aiohttp `HTTPFound`. A guard such as `urlparse(url).netloc in ALLOWED_HOSTS`
or Django's `url_has_allowed_host_and_scheme(url, ...)` clears it.

## Why is this bad
Links on the trusted site send users to a phishing page of the attacker's
choosing (CWE-601).

## Example
```python
@app.route("/login")
def login():
    return redirect(request.args["next"])
```

## Use instead
```python
from urllib.parse import urlparse

@app.route("/login")
def login():
    target = request.args.get("next", "/")
    if urlparse(target).netloc in ALLOWED_HOSTS:
        return redirect(target)
    return redirect("/")
```

## References
- https://cwe.mitre.org/data/definitions/601.html
"""
from ..model import Severity
from ..taint.rulebase import TaintRule


class TaintOpenRedirect(TaintRule):
    kind = "redirect"
    name = "taint-open-redirect"
    cwe = 601
    severity = Severity.HIGH
