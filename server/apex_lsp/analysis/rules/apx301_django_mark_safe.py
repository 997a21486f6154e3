"""Django `mark_safe` / `SafeString` on a value that is not a literal.

## What it does
Flags `django.utils.safestring.mark_safe(...)` and the `SafeString`,
`SafeText` and `SafeData` constructors when the argument is not a constant
string. Used as a decorator (`@mark_safe`), or around an escaping call
(`mark_safe(escape(x))`, `mark_safe(bleach.clean(x))`), it is not flagged.
Confidence is high for HTML built with f-strings, `%`, `+` or `.format` and
low for a plain variable.

## Why is this bad
A safe string is inserted into templates without escaping. Marking user data,
or HTML built from it, as safe is a stored or reflected XSS (CWE-79).

## Example
```python
from django.utils.safestring import mark_safe
return mark_safe(f"<a href='{url}'>{title}</a>")
```

## Use instead
```python
from django.utils.safestring import mark_safe
from django.utils.html import format_html
return format_html("<a href='{}'>{}</a>", url, title)
```

## References
- https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.safestring.mark_safe
- https://cwe.mitre.org/data/definitions/79.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule
from .apx300_markup_non_literal import is_escaping_call, wrapped_value_confidence


class DjangoMarkSafe(Rule):
    id = "APX301"
    name = "django-mark-safe-non-literal"
    category = "xss"
    cwe = 79
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B308", "B703")
    calls = frozenset(f"django.utils.safestring.{name}"
                      for name in ("mark_safe", "SafeString", "SafeText", "SafeData"))

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        value = argument(node, 0, "s")
        if value is None or is_constant(value) or is_escaping_call(value):
            return
        ctx.report(self, node, "marking a non-literal value safe disables HTML escaping for it; "
                               "use format_html",
                   confidence=wrapped_value_confidence(value))
