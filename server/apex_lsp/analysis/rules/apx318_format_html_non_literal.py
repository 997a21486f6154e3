"""Django `format_html` with a format string built from values.

## What it does
Flags `django.utils.html.format_html(format_string, ...)` when the format
string itself is an f-string, `%`, `+` or `.format` expression.

## Why is this bad
`format_html` escapes its *arguments*; the format string is trusted as HTML.
Interpolating values into the format string bypasses the escaping the
function exists for (CWE-79). Django 5.0 deprecates calling it without
arguments for this reason.

## Example
```python
from django.utils.html import format_html
format_html(f"<a href='{url}'>{label}</a>")
```

## Use instead
```python
from django.utils.html import format_html
format_html("<a href='{}'>{}</a>", url, label)
```

## References
- https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html
- https://cwe.mitre.org/data/definitions/79.html
"""
import ast

from ..context import FileContext, argument, is_string_building
from ..model import Confidence, Severity
from ..rule import Rule


class FormatHtmlNonLiteral(Rule):
    id = "APX318"
    name = "format-html-built-format-string"
    category = "xss"
    cwe = 79
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    calls = frozenset({"django.utils.html.format_html"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if is_string_building(argument(node, 0, "format_string")):
            ctx.report(self, node, "format_html() format string built from values skips "
                                   "escaping; pass the values as arguments")
