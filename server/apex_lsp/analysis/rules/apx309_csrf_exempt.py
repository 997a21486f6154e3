"""View exempted from CSRF protection.

## What it does
Flags Django's `@csrf_exempt` (as a decorator, or called on a view in a URL
configuration) and Flask-WTF's `@csrf.exempt` (any receiver whose name
contains `csrf`).

## Why is this bad
An exempt view accepts state-changing requests that another site makes in
the victim's browser with the victim's cookies (CWE-352). Webhooks and
token-authenticated APIs are legitimate exceptions; say so in a suppression
comment so reviewers see it was deliberate.

## Example
```python
from django.views.decorators.csrf import csrf_exempt
@csrf_exempt
def transfer(request):
    ...
```

## Use instead
Keep CSRF protection on and send the token from the client
(`{% csrf_token %}`, the `X-CSRFToken` header); for machine-to-machine
endpoints authenticate with a header token instead of cookies.

## References
- https://docs.djangoproject.com/en/stable/ref/csrf/
- https://cwe.mitre.org/data/definitions/352.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_DJANGO = frozenset({"django.views.decorators.csrf.csrf_exempt"})


class CsrfExempt(Rule):
    id = "APX309"
    name = "csrf-exempt"
    category = "csrf"
    cwe = 352
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    calls = _DJANGO
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        # Decorators are reported by `check`; a call here wraps a view in a URLconf.
        parent = ctx.stmt
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                node in parent.decorator_list:
            return
        ctx.report(self, node, "view exempted from CSRF protection")

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = ctx.qualname(target) or ""
            if name in _DJANGO or (
                    isinstance(target, ast.Attribute) and target.attr == "exempt"
                    and "csrf" in (ctx.qualname(target.value) or "").lower()):
                ctx.report(self, decorator, f"{node.name} is exempted from CSRF protection")
