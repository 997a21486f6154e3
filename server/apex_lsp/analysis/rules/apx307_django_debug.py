"""Django `DEBUG = True` in a settings module.

## What it does
Flags `DEBUG = True` (and `TEMPLATE_DEBUG = True`) at the top level of a
settings module: a file named `settings.py` or `*settings*.py`, or any module
inside a `settings/` package. Files whose name marks them as development or
test settings (`dev`, `local`, `test`, `ci`) are reported with low
confidence.

## Why is this bad
With `DEBUG` on, Django's error pages show source code, local variables,
settings (with secrets only partly masked) and every URL pattern, and the
server keeps every SQL query in memory. Settings files get deployed as they
are, so a hard-coded `True` ends up in production (CWE-489, CWE-215).

## Example
```python
# settings.py
DEBUG = True
```

## Use instead
```python
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
```

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#debug
- https://docs.djangoproject.com/en/stable/howto/deployment/checklist/
"""
import ast
import re
from pathlib import PurePath

from ..context import FileContext, assigned_settings, is_true
from ..model import Confidence, Severity
from ..rule import Rule

_DEVELOPMENT = re.compile(r"(?:^|[_.-])(?:dev|develop|development|local|test|tests|testing|ci)"
                          r"(?:$|[_.-])")


def settings_module(path: str) -> tuple[bool, bool]:
    """(is a Django-style settings module, named as development/test settings)."""
    pure = PurePath(path)
    stem = pure.stem.lower()
    is_settings = "settings" in stem or "settings" in (p.lower() for p in pure.parts[:-1])
    return is_settings, bool(_DEVELOPMENT.search(stem))


class DjangoDebug(Rule):
    id = "APX307"
    name = "django-debug-enabled"
    category = "debug-enabled"
    cwe = 489
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    node_types = (ast.Assign, ast.AnnAssign)
    settings = frozenset({"DEBUG", "TEMPLATE_DEBUG"})

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        if node.col_offset != 0:
            return  # only module-level settings
        is_settings, development = settings_module(ctx.path)
        if not is_settings:
            return
        for key, value, target in assigned_settings(node):
            if isinstance(target, ast.Name) and key in ("DEBUG", "TEMPLATE_DEBUG") \
                    and is_true(value):
                ctx.report(self, node, f"{key} = True in a settings module leaks source, "
                                       "settings and queries on error pages",
                           confidence=Confidence.LOW if development else None)
