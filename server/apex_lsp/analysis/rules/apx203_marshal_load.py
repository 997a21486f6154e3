"""Data deserialized with `marshal`.

## What it does
Flags `marshal.load` and `marshal.loads` (a bytes literal is not flagged).

## Why is this bad
`marshal` is the interpreter's internal format for `.pyc` files. It can
produce code objects, it is not hardened against malformed input (crafted
data can crash the interpreter) and its format changes between Python
versions (CWE-502).

## Example
```python
config = marshal.loads(sock.recv(4096))
```

## Use instead
```python
config = json.loads(sock.recv(4096))
```

## References
- https://docs.python.org/3/library/marshal.html
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule


class MarshalLoad(Rule):
    id = "APX203"
    name = "marshal-load"
    category = "deserialization"
    cwe = 502
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "deserialization"
    bandit = ("B302",)
    calls = frozenset({"marshal.load", "marshal.loads"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        data = argument(node, 0)
        if data is not None and is_constant(data):
            return
        ctx.report(self, node, "marshal is not safe against crafted data and can produce "
                               "code objects; use a data-only format")
