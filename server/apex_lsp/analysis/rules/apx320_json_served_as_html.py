"""JSON returned with the default HTML content type.

## What it does
Flags `HttpResponse(json.dumps(...))` (Django), and Flask/Werkzeug
`Response(json.dumps(...))` / `make_response(json.dumps(...))`, when no
`content_type` / `mimetype` / `headers` argument is given.

## Why is this bad
Both default to `text/html`. JSON containing user data such as
`"<img src=x onerror=alert(1)>"` is then rendered as HTML if a victim opens
the API URL directly, which is a reflected or stored XSS (CWE-79), and
browsers' content sniffing makes `nosniff` the only other defence.

## Example
```python
import json
from django.http import HttpResponse
return HttpResponse(json.dumps({"name": user.name}))
```

## Use instead
```python
from django.http import JsonResponse
return JsonResponse({"name": user.name})
# Flask: return jsonify(name=user.name)
```

## References
- https://docs.djangoproject.com/en/stable/ref/request-response/#jsonresponse-objects
- https://cwe.mitre.org/data/definitions/79.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

_RESPONSES = frozenset({"django.http.HttpResponse", "django.http.response.HttpResponse",
                        "flask.Response", "flask.make_response", "werkzeug.Response",
                        "werkzeug.wrappers.Response"})
_TYPE_KEYWORDS = frozenset({"content_type", "mimetype", "headers", "media_type"})


class JsonServedAsHtml(Rule):
    id = "APX320"
    name = "json-served-as-html"
    category = "xss"
    cwe = 79
    severity = Severity.LOW
    confidence = Confidence.HIGH
    calls = _RESPONSES

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if any(kw.arg is None or kw.arg in _TYPE_KEYWORDS for kw in node.keywords):
            return
        # Django: HttpResponse(content, content_type, ...); Flask/Werkzeug:
        # Response(body, status, headers, mimetype, ...) and make_response(body, status, headers).
        django = (ctx.qualname(node.func) or "").startswith("django.")
        if len(node.args) >= (2 if django else 3):
            return  # the content type or headers are given positionally
        body = argument(node, 0)
        if isinstance(body, ast.Call) and ctx.qualname(body.func) == "json.dumps":
            ctx.report(self, node, "JSON returned as text/html; use JsonResponse/jsonify or set "
                                   "the content type")
