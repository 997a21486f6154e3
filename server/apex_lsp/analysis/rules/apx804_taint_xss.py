"""Untrusted data is written into an HTML response unescaped (XSS).

## What it does
Reports a path from untrusted input to a response body or markup: a Flask
view's return value, `make_response`, `Response`, Django `HttpResponse`,
`mark_safe`, `format_html`'s format string, `Markup`, Starlette/FastAPI
`HTMLResponse`, aiohttp `Response(text=..., content_type="text/html")`.
`html.escape`, `markupsafe.escape`, `bleach.clean`, `jsonify` and
`render_template` (autoescaped) clear it.

## Why is this bad
The browser runs script in the value as the site's own: the attacker steals
sessions or acts as the user (CWE-79).

## Example
```python
@app.route("/greet")
def greet():
    return "<h1>Hello " + request.args["name"] + "</h1>"
```

## Use instead
```python
from markupsafe import escape

@app.route("/greet")
def greet():
    return "<h1>Hello " + escape(request.args["name"]) + "</h1>"
```

## References
- https://cwe.mitre.org/data/definitions/79.html
"""
from ..model import Severity
from ..taint.rulebase import TaintRule


class TaintXss(TaintRule):
    kind = "xss"
    name = "taint-xss"
    cwe = 79
    severity = Severity.HIGH
