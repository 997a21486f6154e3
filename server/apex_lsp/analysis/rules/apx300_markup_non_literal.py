"""`Markup` wrapped around a value that is not a literal.

## What it does
Flags `markupsafe.Markup(...)` (also `flask.Markup`, `jinja2.Markup`,
`jinja2.utils.Markup`) when the argument is not a constant string.
`Markup(...)` of a literal, `Markup.escape(value)` and `Markup(escape(value))`
(or another escaping/sanitising call) are fine. Confidence is high for HTML
built with f-strings, `%`, `+` or `.format`, low for a plain variable, which
was often escaped earlier.

## Why is this bad
`Markup` tells the template engine "this is already safe HTML, do not
escape it". Wrapping user data, or a string built from it, in `Markup`
switches autoescaping off for that value: any `<script>` in it runs in the
victim's browser (CWE-79).

## Example
```python
from markupsafe import Markup
greeting = Markup(f"<b>Hello {user.name}</b>")
```

## Use instead
Let `Markup` escape the values through its own formatting:
```python
from markupsafe import Markup
greeting = Markup("<b>Hello {}</b>").format(user.name)
# or
greeting = Markup("<b>Hello %s</b>") % user.name
```

## References
- https://markupsafe.palletsprojects.com/en/stable/escaping/
- https://cwe.mitre.org/data/definitions/79.html
"""
import ast

from ..context import FileContext, argument, is_constant, is_string_building
from ..model import Confidence, Severity
from ..rule import Rule

#: Functions whose result is escaped or sanitised HTML.
ESCAPERS = frozenset({"escape", "conditional_escape", "format_html", "format_html_join",
                      "escapejs", "json_script", "clean", "linkify"})


def is_escaping_call(node: ast.expr) -> bool:
    """``escape(x)``, ``html.escape(x)``, ``bleach.clean(x)``: already safe HTML."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ESCAPERS


def wrapped_value_confidence(node: ast.expr) -> Confidence:
    """Built HTML is almost surely unescaped; a variable was often escaped earlier."""
    if is_string_building(node):
        return Confidence.HIGH
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return Confidence.LOW
    return Confidence.MEDIUM


class MarkupNonLiteral(Rule):
    id = "APX300"
    name = "markup-non-literal"
    category = "xss"
    cwe = 79
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B704",)
    calls = frozenset({"markupsafe.Markup", "flask.Markup", "jinja2.Markup",
                       "jinja2.utils.Markup"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        value = argument(node, 0, "base")
        if value is None or is_constant(value) or is_escaping_call(value):
            return
        ctx.report(self, node, "Markup() of a non-literal value disables HTML escaping for it; "
                               "use Markup('...{}...').format(value)",
                   confidence=wrapped_value_confidence(value))
