"""`shelve` database opened; its values are pickles.

## What it does
Flags `shelve.open`, `shelve.DbfilenameShelf` and `shelve.Shelf`.

## Why is this bad
Every value in a shelf is stored with pickle and unpickled on access. A shelf
file that someone else can write (a shared directory, an upload, a cache on
a network share) runs their code when a key is read (CWE-502). Confidence is
low: most shelves are private files of the application.

## Example
```python
with shelve.open(os.path.join(upload_dir, name)) as db:
    settings = db["settings"]
```

## Use instead
`sqlite3` or `dbm` with JSON-encoded values:
```python
with dbm.open(path, "c") as db:
    settings = json.loads(db["settings"])
```

## References
- https://docs.python.org/3/library/shelve.html (security warning)
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule


class ShelveOpen(Rule):
    id = "APX202"
    name = "shelve-open"
    category = "deserialization"
    cwe = 502
    severity = Severity.MEDIUM
    confidence = Confidence.LOW
    capability = "deserialization"
    bandit = ("B301",)
    calls = frozenset({"shelve.open", "shelve.DbfilenameShelf", "shelve.Shelf"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        ctx.report(self, node, "shelve values are pickles: anyone who can write the file can "
                               "run code when it is read")
