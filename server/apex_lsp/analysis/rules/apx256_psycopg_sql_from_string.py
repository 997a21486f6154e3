"""`psycopg.sql.SQL` composed from an interpolated string.

## What it does
Flags `psycopg.sql.SQL(...)` and `psycopg2.sql.SQL(...)` when the string is
built with an f-string, `%`, `+` or `.format` instead of the module's own
`.format()` with `Identifier` / `Literal` / `Placeholder` parts.

## Why is this bad
`sql.SQL` declares its text to be trusted SQL; interpolating into it before
the `SQL` wrapper defeats the quoting that the `psycopg.sql` module exists to
provide (CWE-89).

## Example
```python
from psycopg import sql
query = sql.SQL(f"SELECT * FROM {table} WHERE id = {row_id}")
```

## Use instead
```python
from psycopg import sql
query = sql.SQL("SELECT * FROM {} WHERE id = %s").format(sql.Identifier(table))
cursor.execute(query, (row_id,))
```

## References
- https://www.psycopg.org/psycopg3/docs/api/sql.html
- https://cwe.mitre.org/data/definitions/89.html
"""
import ast

from ..context import FileContext, argument, is_string_building
from ..model import Confidence, Severity
from ..rule import Rule


class PsycopgSqlFromString(Rule):
    id = "APX256"
    name = "psycopg-sql-built-from-strings"
    category = "sql-injection"
    cwe = 89
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    calls = frozenset({"psycopg.sql.SQL", "psycopg2.sql.SQL"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if is_string_building(argument(node, 0, "obj")):
            ctx.report(self, node, "sql.SQL() of an interpolated string bypasses psycopg's "
                                   "quoting; use sql.SQL(...).format(sql.Identifier(...))")
