"""Django `.raw()` query built from strings.

## What it does
Flags `Model.objects.raw(sql)` (any receiver's `.raw(...)`) when the SQL is
built with an f-string, `%`, `+` or `.format` and looks like SQL. Passing the
values in `params` is not flagged.

## Why is this bad
`raw()` sends the text to the database as it is, so spliced values are parsed
as SQL (CWE-89). Django's ORM protects you everywhere except in the few raw
escape hatches, which is why these are where injections are found.

## Example
```python
Person.objects.raw(f"SELECT * FROM app_person WHERE last_name = '{name}'")
```

## Use instead
```python
Person.objects.raw("SELECT * FROM app_person WHERE last_name = %s", [name])
```

## References
- https://docs.djangoproject.com/en/stable/topics/db/sql/#passing-parameters-into-raw
- https://cwe.mitre.org/data/definitions/89.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from .apx250_sql_string_execute import is_built_sql


class DjangoRaw(Rule):
    id = "APX251"
    name = "django-raw-sql-built-from-strings"
    category = "sql-injection"
    cwe = 89
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    bandit = ("B611",)
    methods = frozenset({"raw"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if is_built_sql(argument(node, 0, "raw_query")):
            ctx.report(self, node, "raw() query built from strings; pass the values in params")
