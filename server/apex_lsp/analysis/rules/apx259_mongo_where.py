"""MongoDB `$where` clause built at run time.

## What it does
Flags MongoDB queries (`find`, `find_one`, `count_documents`,
`delete_one`/`delete_many`, `update_one`/`update_many` and the
`find_one_and_*` family, on any collection) whose filter document has a
`$where` key with a value that is not a literal.

## Why is this bad
`$where` is JavaScript evaluated by the server for every document. A value
spliced into it can change the predicate (`'; return true; '`) or burn the
server's CPU, the NoSQL equivalent of SQL injection (CWE-943).

## Example
```python
users.find_one({"$where": f"this.name == '{name}'"})
```

## Use instead
Express the condition with query operators, which take values as data:
```python
users.find_one({"name": name})
```

## References
- https://www.mongodb.com/docs/manual/reference/operator/query/where/
- https://cwe.mitre.org/data/definitions/943.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule


class MongoWhere(Rule):
    id = "APX259"
    name = "mongodb-where-built-at-run-time"
    category = "nosql-injection"
    cwe = 943
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    methods = frozenset({"find", "find_one", "count_documents", "delete_one", "delete_many",
                         "update_one", "update_many", "find_one_and_update",
                         "find_one_and_delete", "find_one_and_replace", "count"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        query = argument(node, 0, "filter")
        if not isinstance(query, ast.Dict):
            return
        for key, value in zip(query.keys, query.values):
            if isinstance(key, ast.Constant) and key.value == "$where" and not is_constant(value):
                ctx.report(self, node, "$where JavaScript built at run time; use query "
                                       "operators with values as data")
                return
