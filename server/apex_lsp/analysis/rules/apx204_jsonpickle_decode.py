"""Data deserialized with `jsonpickle`.

## What it does
Flags `jsonpickle.decode`, `jsonpickle.loads` and
`jsonpickle.unpickler.decode`, unless `safe=True` is passed (jsonpickle ≥ 3
refuses to evaluate `py/repr` then; it can still build arbitrary objects, so
the finding stays, at low confidence).

## Why is this bad
jsonpickle stores the class of every object in the JSON (`"py/object"`,
`"py/reduce"`) and re-creates it on decode, calling constructors and
`__reduce__` results: JSON from an attacker becomes code execution
(CWE-502).

## Example
```python
cart = jsonpickle.decode(request.data)
```

## Use instead
Decode with `json` and build your objects explicitly:
```python
cart = Cart.from_dict(json.loads(request.data))
```

## References
- https://jsonpickle.github.io/#jsonpickle-usage (security warning)
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, argument, is_constant, is_true, keyword
from ..model import Confidence, Severity
from ..rule import Rule


class JsonpickleDecode(Rule):
    id = "APX204"
    name = "jsonpickle-decode"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "deserialization"
    calls = frozenset({"jsonpickle.decode", "jsonpickle.loads", "jsonpickle.unpickler.decode"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        data = argument(node, 0, "string")
        if data is not None and is_constant(data):
            return
        safe = is_true(keyword(node, "safe"))
        ctx.report(self, node, "jsonpickle re-creates arbitrary classes from the JSON; "
                               "decode with json and build objects explicitly",
                   confidence=Confidence.LOW if safe else None)
