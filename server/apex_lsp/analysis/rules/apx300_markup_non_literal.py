"""`Markup` wrapped around a value that is not a literal.

## What it does
Flags `markupsafe.Markup(...)` (also `flask.Markup`, `jinja2.Markup`,
`jinja2.utils.Markup`) when the argument is not a constant string.
`Markup(...)` of a literal, and `Markup.escape(value)`, are fine.

## Why is this bad
`Markup` tells the template engine "this is already safe HTML, do not
escape it". Wrapping user data, or a string built from it, in `Markup`
switches autoescaping off for that value: any `<script>` in it runs in the
victim's browser (CWE-79).

## Example
```python
greeting = Markup(f"<b>Hello {user.name}</b>")
```

## Use instead
Let `Markup` escape the values through its own formatting:
```python
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
        if value is None or is_constant(value):
            return
        ctx.report(self, node, "Markup() of a non-literal value disables HTML escaping for it; "
                               "use Markup('...{}...').format(value)",
                   confidence=Confidence.HIGH if is_string_building(value) else None)
