"""Django `.extra()` with SQL built from strings.

## What it does
Flags `QuerySet.extra(...)` (any receiver's `.extra(...)`) when one of its
SQL fragments (`select` values, `where` and `tables` entries, `order_by`
entries) is built with an f-string, `%`, `+` or `.format`.

## Why is this bad
`extra()` pastes its fragments into the generated SQL without quoting, so a
spliced value is parsed as SQL (CWE-89). Django's documentation says to
avoid `extra()` and it is slated for deprecation.

## Example
```python
Entry.objects.extra(where=[f"headline = '{headline}'"])
```

## Use instead
Use the ORM, or at least `params`:
```python
Entry.objects.filter(headline=headline)
Entry.objects.extra(where=["headline = %s"], params=[headline])
```

## References
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#extra
- https://cwe.mitre.org/data/definitions/89.html
"""
import ast

from ..context import FileContext, is_string_building, keyword
from ..model import Confidence, Severity
from ..rule import Rule

_POSITIONS = ("select", "where", "params", "tables", "order_by", "select_params")
_FRAGMENTS = ("select", "where", "tables", "order_by")


class DjangoExtra(Rule):
    id = "APX252"
    name = "django-extra-sql-built-from-strings"
    category = "sql-injection"
    cwe = 89
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    bandit = ("B610",)
    methods = frozenset({"extra"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        fragments = [keyword(node, name) for name in _FRAGMENTS]
        fragments += [arg for name, arg in zip(_POSITIONS, node.args) if name in _FRAGMENTS]
        for fragment in fragments:
            if isinstance(fragment, ast.Dict):
                parts = fragment.values
            elif isinstance(fragment, (ast.List, ast.Tuple)):
                parts = fragment.elts
            else:
                continue  # Django wants a dict or a list here; anything else is another API
            if any(is_string_building(part) for part in parts):
                ctx.report(self, node, "extra() SQL fragment built from strings; use the ORM "
                                       "or pass values in params")
                return
