"""HTML response built from strings.

## What it does
Flags `django.http.HttpResponse`, Flask `make_response` / `Response`,
Werkzeug `Response` and Starlette/FastAPI `HTMLResponse` when the body is an
f-string, `%`, `+` or `.format` expression whose literal text contains HTML
tags, or when the body is read straight from the request
(`HttpResponse(request.GET["q"])`, reflected as HTML). Values wrapped in
`html.escape`/`escape`/`conditional_escape` inside an f-string are accepted.

## Why is this bad
Values pasted into HTML without escaping are interpreted as markup: a name
like `<script>…</script>` runs in every visitor's browser (CWE-79).
Templates escape by default; hand-built HTML does not.

## Example
```python
from django.http import HttpResponse
return HttpResponse(f"<h1>Results for {query}</h1>")
```

## Use instead
```python
from django.http import HttpResponse
return render(request, "results.html", {"query": query})
# or
return HttpResponse(format_html("<h1>Results for {}</h1>", query))
```

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html
- https://cwe.mitre.org/data/definitions/79.html
"""
import ast
import re

from ..context import FileContext, argument, is_string_building, string_parts
from ..model import Confidence, Severity
from ..rule import Rule
from .apx313_open_redirect import from_request

_RESPONSES = frozenset({
    "django.http.HttpResponse", "django.http.response.HttpResponse", "flask.make_response",
    "flask.Response", "werkzeug.Response", "werkzeug.wrappers.Response",
    "starlette.responses.HTMLResponse", "fastapi.responses.HTMLResponse"})
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][\w-]*[^<>]*>?")
_ESCAPERS = frozenset({"escape", "conditional_escape", "quote", "format_html", "escape_html"})


class HtmlResponseFromStrings(Rule):
    id = "APX317"
    name = "html-response-built-from-strings"
    category = "xss"
    cwe = 79
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    calls = _RESPONSES

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        body = argument(node, 0, "content") or argument(node, 0, "response") or \
            argument(node, 0, "rv")
        if from_request(body):
            ctx.report(self, node, "request input returned as the response body is reflected "
                                   "as HTML", confidence=Confidence.HIGH)
            return
        if not is_string_building(body) or not _TAG.search(string_parts(body)):
            return
        if _all_escaped(body):
            return
        ctx.report(self, node, "HTML built from strings without escaping; render a template "
                               "or use format_html")


def _all_escaped(node: ast.expr) -> bool:
    if not isinstance(node, ast.JoinedStr):
        return False
    values = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    return all(isinstance(v, ast.Call) and
               (getattr(v.func, "attr", None) or getattr(v.func, "id", None)) in _ESCAPERS
               for v in values)
