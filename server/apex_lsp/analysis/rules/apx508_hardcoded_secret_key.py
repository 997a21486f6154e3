"""A web framework's signing key hardcoded: `SECRET_KEY = "..."`.

## What it does
Flags a non-empty string or bytes literal assigned to `SECRET_KEY` /
`secret_key` (Django settings, Flask config modules), `app.secret_key`,
`app.config["SECRET_KEY"]`, or passed as `SECRET_KEY=`/`secret_key=` (for
example to `app.config.update`). Values that name a setting rather than
being one (`"AWS_SECRET_ACCESS_KEY"`, `"awsSecretKey"`) are skipped.
Placeholders such as `"changeme"` are still flagged: a placeholder key that
reaches production is exactly the problem.

## Why is this bad
The secret key signs sessions, CSRF tokens and password-reset links. Anyone who
knows it can forge a session for any user; with some serializers it leads to
code execution (CWE-798, CWE-321).

## Example
```python
SECRET_KEY = "django-insecure-3q!x8m@z(2v&k1#9"
```

## Use instead
```python
import os
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
```

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#secret-key
- https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY
"""
import ast
import re

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import target_name

FRAMEWORK_KEYS = frozenset({"SECRET_KEY", "secret_key", "JWT_SECRET_KEY", "jwt_secret_key",
                           "SECURITY_PASSWORD_SALT", "WTF_CSRF_SECRET_KEY"})
_NAMES = FRAMEWORK_KEYS


#: A value that names a setting or variable rather than being a key ("AWS_SECRET_ACCESS_KEY").
_NAME_VALUE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[A-Z]*[a-z]+(?:[A-Z][a-z]+)+")


def _literal_key(node: ast.AST | None) -> bool:
    if not (isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))):
        return False
    value = node.value.strip()
    return bool(value) and not (isinstance(value, str) and _NAME_VALUE.fullmatch(value))


class HardcodedSecretKey(Rule):
    id = "APX508"
    name = "hardcoded-secret-key"
    category = "secrets"
    cwe = 798
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    bandit = ("B105",)
    node_types = (ast.Assign, ast.AnnAssign, ast.keyword)
    settings = _NAMES
    keywords = _NAMES

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.keyword):
            if node.arg in _NAMES and _literal_key(node.value):
                ctx.report(self, node, f"hardcoded {node.arg}; anyone who knows it can forge "
                                       "sessions and tokens")
            return
        if not _literal_key(node.value):
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            name = target_name(target)
            if name in _NAMES:
                ctx.report(self, node.value, f"hardcoded {name}; anyone who knows it can forge "
                                             "sessions and tokens")
                return
