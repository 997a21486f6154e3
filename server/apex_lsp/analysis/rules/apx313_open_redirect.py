"""Redirect to a URL taken from the request.

## What it does
Flags redirects (`flask.redirect`, `werkzeug.utils.redirect`,
`django.shortcuts.redirect`, `HttpResponseRedirect`,
`HttpResponsePermanentRedirect`, Starlette/FastAPI `RedirectResponse`, and
`.redirect(...)` methods such as Tornado's) whose target:

* is read from the request (`request.args.get("next")`, `request.GET["url"]`,
  `self.get_argument("next")`): high confidence;
* is a string built from such a value, unless its fixed part starts with a
  single `/` (a path on this site): medium confidence.

Literal targets, `url_for(...)` / `reverse(...)` and plain variables are not
flagged: a variable is usually validated before the redirect, and following
it is the data-flow analysis' job.

## Why is this bad
An attacker sends a link to your trusted domain that bounces the victim to
their own site, a convincing phishing page or an OAuth token thief (CWE-601).

## Example
```python
from flask import redirect, request
return redirect(request.args.get("next", "/"))
```

## Use instead
Only follow relative URLs on your own host:
```python
from flask import redirect, request
from django.utils.http import url_has_allowed_host_and_scheme
target = request.GET.get("next", "/")
if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
    target = "/"
return redirect(target)
```

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html
- https://cwe.mitre.org/data/definitions/601.html
"""
import ast
from typing import Callable

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

_REDIRECTS = frozenset({
    "flask.redirect", "werkzeug.utils.redirect", "werkzeug.redirect", "quart.redirect",
    "django.shortcuts.redirect", "django.http.HttpResponseRedirect",
    "django.http.HttpResponsePermanentRedirect", "django.http.response.HttpResponseRedirect",
    "starlette.responses.RedirectResponse", "fastapi.responses.RedirectResponse",
    "sanic.response.redirect", "bottle.redirect", "pyramid.httpexceptions.HTTPFound"})
_REQUEST_METHODS = frozenset({"get_argument", "get_query_argument", "get_body_argument"})


_INPUTS = frozenset({"args", "form", "values", "GET", "POST", "REQUEST", "query_params",
                     "params", "query", "data", "json", "get_json", "headers", "cookies",
                     "COOKIES", "META", "referrer", "query_string", "path_params"})


def from_request(node: ast.AST | None) -> bool:
    """Whether an expression reads user input from the request (``request.args...``).

    Follows one access chain, no walk. ``request.user.url`` and ``request.path``
    are not user input in this sense.
    """
    saw_input = False
    depth = 0
    while node is not None and depth < 12:
        depth += 1
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in _REQUEST_METHODS:
                return True
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr in ("request", "req"):
                return saw_input
            saw_input = saw_input or node.attr in _INPUTS
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            return saw_input and node.id in ("request", "req")
        else:
            return False
    return False


class OpenRedirect(Rule):
    id = "APX313"
    name = "open-redirect"
    category = "open-redirect"
    cwe = 601
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    calls = _REDIRECTS
    methods = frozenset({"redirect"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        target = argument(node, 0, "location") or argument(node, 0, "url") or \
            argument(node, 0, "redirect_to") or argument(node, 0, "to")
        if target is None:
            return
        if from_request(target):
            confidence, origin = Confidence.HIGH, "comes from the request"
        elif built_from_request(target, _site_relative):
            confidence, origin = Confidence.MEDIUM, "is built from request input"
        else:
            return
        ctx.report(self, node, f"redirect target {origin}; check it is a relative URL on this "
                               "site", confidence=confidence)


def built_from_request(node: ast.expr, fixed_prefix: Callable[[str], bool]) -> bool:
    """A string built (f-string, ``+``, ``%``) from request input, unless its leading
    literal satisfies ``fixed_prefix`` (the value then only fills a safe slot)."""
    operands: list[ast.expr] = []
    if isinstance(node, ast.JoinedStr):
        operands = [v.value if isinstance(v, ast.FormattedValue) else v for v in node.values]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        pending: list[ast.expr] = [node]
        while pending and len(operands) < 32:  # flatten the operator chain only
            item = pending.pop()
            if isinstance(item, ast.BinOp) and isinstance(item.op, (ast.Add, ast.Mod)):
                pending.extend((item.right, item.left))
            else:
                operands.append(item)
    if not operands:
        return False
    leading = operands[0]
    if isinstance(leading, ast.Constant) and isinstance(leading.value, str) and \
            fixed_prefix(leading.value):
        return False
    return any(from_request(operand) for operand in operands)


def _site_relative(prefix: str) -> bool:
    return prefix.startswith("/") and not prefix.startswith("//")
