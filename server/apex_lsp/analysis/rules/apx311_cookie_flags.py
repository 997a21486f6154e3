"""Cookie set without `secure` or `httponly`.

## What it does
Flags `set_cookie(...)` calls (Django, Flask/Werkzeug, Starlette/FastAPI,
any receiver) that do not pass `secure=True` and `httponly=True`, by keyword
or in their usual positions. Calls that forward `**kwargs` are skipped.
`delete_cookie` is not flagged.

## Why is this bad
Without `secure` the browser also sends the cookie over plain HTTP, where
anyone on the network can read it (CWE-614). Without `httponly` any script
on the page, including one injected through XSS, can read it and send it
elsewhere (CWE-1004). Session and authentication cookies need both.

## Example
```python
response.set_cookie("session", token)
```

## Use instead
```python
response.set_cookie("session", token, secure=True, httponly=True, samesite="Lax")
```

## References
- https://owasp.org/www-community/controls/SecureCookieAttribute
- https://cwe.mitre.org/data/definitions/614.html
- https://cwe.mitre.org/data/definitions/1004.html
"""
import ast

from ..context import FileContext, argument, is_false
from ..model import Confidence, Severity
from ..rule import Rule


class CookieFlags(Rule):
    id = "APX311"
    name = "cookie-without-secure-httponly"
    category = "web-configuration"
    cwe = 614
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    methods = frozenset({"set_cookie"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if any(kw.arg is None for kw in node.keywords) or \
                any(isinstance(a, ast.Starred) for a in node.args):
            return
        # Django, Werkzeug and Starlette share the order
        # (key, value, max_age, expires, path, domain, secure, httponly, ...).
        missing = [flag for position, flag in ((6, "secure"), (7, "httponly"))
                   if _off(argument(node, position, flag))]
        if missing:
            ctx.report(self, node, f"cookie set without {' and '.join(missing)}=True")


def _off(value: ast.expr | None) -> bool:
    return value is None or is_false(value)
