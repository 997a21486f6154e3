"""CORS allows any origin together with credentials.

## What it does
Flags:

* Flask-CORS `CORS(app, supports_credentials=True)` and
  `@cross_origin(supports_credentials=True)` when `origins` is missing
  (the default is every origin), `"*"` or a list containing `"*"`;
* Starlette/FastAPI `CORSMiddleware` (constructed, or passed to
  `add_middleware`) with `allow_credentials=True` and `allow_origins`
  containing `"*"` or `allow_origin_regex=".*"`;
* django-cors-headers `CORS_ALLOW_ALL_ORIGINS = True` /
  `CORS_ORIGIN_ALLOW_ALL = True` (medium confidence: it only matters when
  credentials are allowed too).

## Why is this bad
These libraries implement "any origin with credentials" by echoing the
caller's `Origin` back. Any web site the user visits can then make
authenticated requests to the API with the user's cookies and read the
answers (CWE-942).

## Example
```python
CORS(app, supports_credentials=True)
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
```

## Use instead
```python
CORS(app, origins=["https://app.example.com"], supports_credentials=True)
```

## References
- https://portswigger.net/web-security/cors
- https://cwe.mitre.org/data/definitions/942.html
"""
import ast

from ..context import FileContext, argument, assigned_settings, is_true, keyword, literal
from ..model import Confidence, Severity
from ..rule import Rule

_FLASK = frozenset({"flask_cors.CORS", "flask_cors.cross_origin"})
_STARLETTE = frozenset({"starlette.middleware.cors.CORSMiddleware",
                        "fastapi.middleware.cors.CORSMiddleware"})


def _any_origin(value: ast.expr | None, *, missing: bool) -> bool:
    if value is None:
        return missing
    origins = literal(value, None)
    if isinstance(origins, str):
        origins = [origins]
    return isinstance(origins, (list, tuple, set)) and any(o in ("*", ".*", r"^.*$")
                                                         for o in origins)


class CorsWildcardCredentials(Rule):
    id = "APX316"
    name = "cors-any-origin-with-credentials"
    category = "web-configuration"
    cwe = 942
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    calls = _FLASK | _STARLETTE
    methods = frozenset({"add_middleware"})
    node_types = (ast.Assign, ast.AnnAssign)
    settings = frozenset({"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.qualname(node.func) or ""
        if name in _FLASK:
            if any(kw.arg is None for kw in node.keywords):
                return
            if is_true(keyword(node, "supports_credentials")) and \
                    _any_origin(keyword(node, "origins"), missing=True):
                ctx.report(self, node, "CORS allows every origin with credentials")
            return
        if name not in _STARLETTE:
            middleware = argument(node, 0, "middleware_class")
            if middleware is None or ctx.qualname(middleware) not in _STARLETTE and not (
                    (ctx.qualname(middleware) or "").endswith("CORSMiddleware")):
                return
        if is_true(keyword(node, "allow_credentials")) and (
                _any_origin(keyword(node, "allow_origins"), missing=False)
                or _any_origin(keyword(node, "allow_origin_regex"), missing=False)):
            ctx.report(self, node, "CORSMiddleware allows every origin with credentials")

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        for key, value, _ in assigned_settings(node):
            if key in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL") and is_true(value):
                ctx.report(self, node, f"{key} = True lets every origin call the API",
                           severity=Severity.MEDIUM, confidence=Confidence.MEDIUM)
