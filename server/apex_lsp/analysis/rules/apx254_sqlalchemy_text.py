"""SQLAlchemy `text()` built from strings.

## What it does
Flags `sqlalchemy.text(...)` (also `sqlalchemy.sql.text`,
`sqlalchemy.sql.expression.text` and `sqlmodel.text`) when the SQL is built
with an f-string, `%`, `+` or `.format`.

## Why is this bad
`text()` marks a string as literal SQL. Values spliced into it are parsed as
SQL (CWE-89) instead of being bound, which is what `:name` placeholders do.

## Example
```python
from sqlalchemy import text
session.execute(text(f"SELECT * FROM users WHERE email = '{email}'"))
```

## Use instead
```python
from sqlalchemy import text
session.execute(text("SELECT * FROM users WHERE email = :email"), {"email": email})
```

## References
- https://docs.sqlalchemy.org/en/20/core/sqlelement.html#sqlalchemy.sql.expression.text
- https://cwe.mitre.org/data/definitions/89.html
"""
import ast

from ..context import FileContext, argument, is_string_building
from ..model import Confidence, Severity
from ..rule import Rule


class SqlalchemyText(Rule):
    id = "APX254"
    name = "sqlalchemy-text-built-from-strings"
    category = "sql-injection"
    cwe = 89
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    bandit = ("B608",)
    calls = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
                       "sqlmodel.text"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if is_string_building(argument(node, 0, "text")):
            ctx.report(self, node, "text() SQL built from strings; use :name placeholders and "
                                   "bind the values")
