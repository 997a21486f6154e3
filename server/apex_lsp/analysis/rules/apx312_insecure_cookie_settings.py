"""Session or CSRF cookie configured as insecure.

## What it does
Flags `SESSION_COOKIE_SECURE = False`, `CSRF_COOKIE_SECURE = False`,
`SESSION_COOKIE_HTTPONLY = False`, `REMEMBER_COOKIE_SECURE = False`,
`REMEMBER_COOKIE_HTTPONLY = False` and `CSRF_COOKIE_HTTPONLY`-style
settings set to a literal false, as Django settings or Flask
`app.config[...]` entries.

## Why is this bad
These settings decide how the framework's own session, CSRF and
remember-me cookies are sent. An insecure session cookie travels over plain
HTTP where it can be stolen (CWE-614); a session cookie readable by scripts
can be stolen through any XSS (CWE-1004).

## Example
```python
SESSION_COOKIE_SECURE = False
app.config["SESSION_COOKIE_HTTPONLY"] = False
```

## Use instead
```python
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
app.config["SESSION_COOKIE_HTTPONLY"] = True
```

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure
- https://flask.palletsprojects.com/en/stable/config/#SESSION_COOKIE_SECURE
"""
import ast

from ..context import FileContext, assigned_settings, is_false
from ..model import Confidence, Severity
from ..rule import Rule

_SETTINGS = frozenset({"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
                       "REMEMBER_COOKIE_SECURE", "REMEMBER_COOKIE_HTTPONLY"})


class InsecureCookieSettings(Rule):
    id = "APX312"
    name = "insecure-cookie-settings"
    category = "web-configuration"
    cwe = 614
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    node_types = (ast.Assign, ast.AnnAssign)
    settings = frozenset(_SETTINGS)

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        for key, value, _ in assigned_settings(node):
            if key in _SETTINGS and isinstance(value, ast.Constant) and is_false(value):
                leak = "over plain HTTP" if key.endswith("SECURE") else "to scripts"
                ctx.report(self, node, f"{key} = False lets the cookie leak {leak}")
