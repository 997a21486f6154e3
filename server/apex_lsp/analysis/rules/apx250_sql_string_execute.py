"""SQL built from strings passed to `execute`.

## What it does
Flags `execute`, `executemany` and `executescript` (DB-API cursors and
connections, SQLAlchemy sessions and connections, any receiver),
SQLAlchemy's `exec_driver_sql`, peewee's `execute_sql`, asyncpg's `fetch`,
`fetchrow` and `fetchval`, and `query(...)` of database wrappers when the statement is built with an
f-string, `%` formatting, `+` concatenation or `.format` and its literal
text looks like SQL.

Parameterised queries (`cursor.execute("... WHERE id = %s", (user_id,))`) are
the fix and are not flagged, nor are statements whose only interpolated
values are quoted identifiers or numbers (`quote_name(table)`, `int(n)`). A query built into a variable in an earlier
statement is not followed (the taint analysis covers data flow).

## Why is this bad
Values spliced into SQL text are parsed as SQL. A quote in the value ends the
string literal and the rest runs as part of the statement: reading other
tables, bypassing `WHERE` clauses, or with stacked queries modifying data
(CWE-89).

## Example
```python
cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
cursor.execute("DELETE FROM posts WHERE id = %s" % post_id)
```

## Use instead
Let the driver bind the values:
```python
cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
cursor.execute("DELETE FROM posts WHERE id = ?", (post_id,))   # sqlite3
```
Identifiers (table and column names) cannot be bound; pick them from a fixed
set, or compose them with `psycopg.sql.Identifier`.

## References
- https://peps.python.org/pep-0249/#id15
- https://cwe.mitre.org/data/definitions/89.html
"""
import ast
import re

from ..context import (FileContext, argument, callee_name, interpolated_values,
                       is_string_building, string_parts)
from ..model import Confidence, Severity
from ..rule import Rule

#: Statement shapes that say "this text is SQL" (the same idea as bandit's B608).
SQL_TEXT = re.compile(
    r"\bselect\b[\s\S]*\bfrom\b|\bdelete\s+from\b|\binsert\s+(?:or\s+\w+\s+)?into\b|"
    r"\breplace\s+into\b|\bupdate\b[\s\S]*\bset\b|\bmerge\s+into\b|"
    r"\b(?:create|drop|alter|truncate)\s+(?:temp(?:orary)?\s+)?"
    r"(?:table|index|view|database|schema)\b|"
    r"\bwhere\b[\s\S]*(?:=|<|>|\blike\b|\bin\b|\bis\b)|\border\s+by\b|\bgroup\s+by\b|"
    r"\bpragma\b|\bvalues\s*\(",
    re.IGNORECASE)


#: Calls whose result is safe to paste into SQL: quoted identifiers and numbers.
_SAFE_VALUE_CALLS = frozenset({"quote_name", "quote_ident", "quote_identifier",
                               "quote_name_unless_alias", "Identifier", "int", "float", "len"})


def is_built_sql(node: ast.AST | None) -> bool:
    """A string built from non-literal parts whose literal text looks like SQL, unless
    every interpolated value is a quoted identifier or a number (``quote_name(t)``)."""
    return (is_string_building(node) and bool(SQL_TEXT.search(string_parts(node)))
            and not all(_safe_value(v) for v in interpolated_values(node)))


def _safe_value(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) or callee_name(node) in _SAFE_VALUE_CALLS


class SqlStringExecute(Rule):
    id = "APX250"
    name = "sql-built-from-strings"
    category = "sql-injection"
    cwe = 89
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    bandit = ("B608",)
    methods = frozenset({"execute", "executemany", "executescript", "exec_driver_sql",
                         "execute_sql", "fetch", "fetchrow", "fetchval", "query"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        statement = argument(node, 0)
        if statement is None:
            statement = next((kw.value for kw in node.keywords
                              if kw.arg in ("operation", "sql", "query", "statement",
                                            "sql_script")), None)
        if not is_built_sql(statement):
            return
        ctx.report(self, node, "SQL statement built from strings; pass the values as query "
                               "parameters instead")
