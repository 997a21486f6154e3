"""Data deserialized with `pickle`.

## What it does
Flags `pickle.load`, `pickle.loads` and `pickle.Unpickler` (also through
`cPickle`, `_pickle` and aliases). A `loads` of a bytes literal in the
source is not flagged.

## Why is this bad
Unpickling is not parsing: a pickle is a small program for a stack machine
that can import any callable and call it with any arguments. Loading a
pickle an attacker can write (an upload, a cache, a cookie, a message queue,
a model file from the internet) runs their code (CWE-502).

## Example
```python
session = pickle.loads(base64.b64decode(request.cookies["session"]))
```

## Use instead
Use a data-only format, and authenticate anything that must round-trip
through an untrusted place:
```python
session = json.loads(signer.unsign(request.cookies["session"]))
```

## References
- https://docs.python.org/3/library/pickle.html (the red warning box)
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule

_MODULES = ("pickle", "cPickle", "_pickle")


class PickleLoad(Rule):
    id = "APX200"
    name = "pickle-load"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "deserialization"
    bandit = ("B301", "B403")
    calls = frozenset(f"{module}.{name}" for module in _MODULES
                      for name in ("load", "loads", "Unpickler", "_load", "_loads"))

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        data = argument(node, 0)
        if data is not None and is_constant(data):
            return
        ctx.report(self, node, f"{ctx.qualname(node.func)}() can run arbitrary code when the "
                               "data is attacker-controlled; use a data-only format")
