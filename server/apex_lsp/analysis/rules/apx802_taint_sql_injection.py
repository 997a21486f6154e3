"""Untrusted data is spliced into an SQL query.

## What it does
Reports a path from untrusted input into the query text of DB-API
`cursor.execute`/`executemany`/`executescript`, SQLAlchemy `text()`, Django
`Manager.raw`/`QuerySet.extra`/`RawSQL` or `pandas.read_sql`. Values passed as
bound parameters (the second argument of `execute`) are not reported.

## Why is this bad
Quotes in the value change the query's structure: the attacker reads or
modifies any data the database user can (CWE-89).

## Example
```python
def find(request):
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % request.GET["name"])
```

## Use instead
```python
def find(request):
    cursor.execute("SELECT * FROM users WHERE name = %s", [request.GET["name"]])
```

## References
- https://cwe.mitre.org/data/definitions/89.html
"""
from ..taint.rulebase import TaintRule


class TaintSqlInjection(TaintRule):
    kind = "sql"
    name = "taint-sql-injection"
    cwe = 89
