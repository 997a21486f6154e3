"""Django `RawSQL` expression built from strings.

## What it does
Flags `RawSQL(sql, params)` from `django.db.models` (or
`django.db.models.expressions`) when the SQL is built with an f-string,
`%`, `+` or `.format`.

## Why is this bad
`RawSQL` puts its text into the query unquoted; spliced values are parsed as
SQL (CWE-89). The `params` argument exists precisely so that values are
bound by the driver.

## Example
```python
from django.db.models.expressions import RawSQL
queryset.annotate(val=RawSQL(f"SELECT col FROM other WHERE id = {other_id}", ()))
```

## Use instead
```python
from django.db.models.expressions import RawSQL
queryset.annotate(val=RawSQL("SELECT col FROM other WHERE id = %s", (other_id,)))
```

## References
- https://docs.djangoproject.com/en/stable/ref/models/expressions/#raw-sql-expressions
- https://cwe.mitre.org/data/definitions/89.html
"""
import ast

from ..context import FileContext, argument, is_string_building
from ..model import Confidence, Severity
from ..rule import Rule


class DjangoRawSQL(Rule):
    id = "APX253"
    name = "django-rawsql-built-from-strings"
    category = "sql-injection"
    cwe = 89
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    bandit = ("B611",)
    calls = frozenset({"django.db.models.RawSQL", "django.db.models.expressions.RawSQL"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if is_string_building(argument(node, 0, "sql")):
            ctx.report(self, node, "RawSQL built from strings; pass the values in params")
