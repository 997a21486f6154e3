"""CSRF protection switched off in configuration.

## What it does
Flags `WTF_CSRF_ENABLED = False` and `WTF_CSRF_CHECK_DEFAULT = False`
(Flask-WTF, as a module setting or `app.config[...]`), and a Django
`MIDDLEWARE` list in a settings module that has Django's middleware but not
`django.middleware.csrf.CsrfViewMiddleware`.

## Why is this bad
Without CSRF checks, any site the user visits can submit forms to the
application with the user's cookies: changing e-mail addresses, passwords,
or making purchases on their behalf (CWE-352). Test settings often disable
it; keep that in test-only configuration.

## Example
```python
app.config["WTF_CSRF_ENABLED"] = False
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
]
```

## Use instead
```python
app.config["WTF_CSRF_ENABLED"] = True
MIDDLEWARE = [..., "django.middleware.csrf.CsrfViewMiddleware", ...]
```

## References
- https://flask-wtf.readthedocs.io/en/stable/config/
- https://docs.djangoproject.com/en/stable/ref/csrf/
- https://cwe.mitre.org/data/definitions/352.html
"""
import ast

from ..context import FileContext, assigned_settings, is_false, literal
from ..model import Confidence, Severity
from ..rule import Rule

_CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"


class CsrfDisabledConfig(Rule):
    id = "APX310"
    name = "csrf-protection-disabled"
    category = "csrf"
    cwe = 352
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    node_types = (ast.Assign, ast.AnnAssign)
    settings = frozenset({"WTF_CSRF_ENABLED", "WTF_CSRF_CHECK_DEFAULT", "MIDDLEWARE",
                         "MIDDLEWARE_CLASSES"})

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        for key, value, _ in assigned_settings(node):
            if key in ("WTF_CSRF_ENABLED", "WTF_CSRF_CHECK_DEFAULT") and is_false(value) \
                    and isinstance(value, ast.Constant):
                ctx.report(self, node, f"{key} = False turns CSRF protection off")
            elif key in ("MIDDLEWARE", "MIDDLEWARE_CLASSES"):
                middleware = literal(value, None)
                if (isinstance(middleware, (list, tuple))
                        and any(isinstance(m, str) and m.startswith("django.middleware.")
                                for m in middleware)
                        and _CSRF_MIDDLEWARE not in middleware):
                    ctx.report(self, node, f"{key} lacks {_CSRF_MIDDLEWARE}: no view is "
                                           "protected against CSRF")
