"""SQL built from strings passed to pandas, Spark or DuckDB.

## What it does
Flags `pandas.read_sql` / `pandas.read_sql_query` and `.sql(...)` calls
(PySpark `SparkSession.sql`, DuckDB `duckdb.sql` / `connection.sql`) when
the query is built with an f-string, `%`, `+` or `.format` and looks like
SQL.

## Why is this bad
Analytics code often pastes filter values straight into SQL text. When those
values come from a request or a file, they are parsed as SQL (CWE-89);
Spark and DuckDB can read and write files, so injection reaches far beyond
one table.

## Example
```python
frame = pd.read_sql(f"SELECT * FROM sales WHERE region = '{region}'", engine)
spark.sql("SELECT * FROM events WHERE day = '%s'" % day)
```

## Use instead
```python
frame = pd.read_sql("SELECT * FROM sales WHERE region = %(region)s", engine,
                    params={"region": region})
spark.sql("SELECT * FROM events WHERE day = :day", args={"day": day})
```

## References
- https://pandas.pydata.org/docs/reference/api/pandas.read_sql.html
- https://spark.apache.org/docs/latest/api/python/reference/pyspark.sql/api/pyspark.sql.SparkSession.sql.html
- https://cwe.mitre.org/data/definitions/89.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from .apx250_sql_string_execute import is_built_sql


class DataframeSql(Rule):
    id = "APX255"
    name = "dataframe-sql-built-from-strings"
    category = "sql-injection"
    cwe = 89
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    bandit = ("B608",)
    calls = frozenset({"pandas.read_sql", "pandas.read_sql_query"})
    methods = frozenset({"sql", "read_sql", "read_sql_query"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        query = argument(node, 0, "sql") or argument(node, 0, "sqlQuery") or \
            argument(node, 0, "query")
        if is_built_sql(query):
            ctx.report(self, node, "SQL query built from strings; bind the values as "
                                   "parameters")
