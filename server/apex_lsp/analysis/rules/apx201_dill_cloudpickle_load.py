"""Data deserialized with `dill` or `cloudpickle`.

## What it does
Flags `dill.load`, `dill.loads`, `dill.Unpickler`, `cloudpickle.load` and
`cloudpickle.loads`.

## Why is this bad
Both extend pickle to serialize functions, lambdas and whole sessions, so
loading their output runs code by design. Anyone who can write the file or
message runs code in the loading process (CWE-502).

## Example
```python
model = dill.load(open(uploaded_path, "rb"))
```

## Use instead
Ship code as code (a package) and data in a data-only format; if objects must
travel, sign them with a key the sender cannot forge and verify before
loading.
```python
weights = safetensors.torch.load_file(uploaded_path)
```

## References
- https://dill.readthedocs.io/
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule


class DillLoad(Rule):
    id = "APX201"
    name = "dill-cloudpickle-load"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "deserialization"
    bandit = ("B301",)
    calls = frozenset({"dill.load", "dill.loads", "dill.Unpickler", "dill.load_session",
                       "dill.load_module", "cloudpickle.load", "cloudpickle.loads"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        data = argument(node, 0)
        if data is not None and is_constant(data) and not ctx.qualname(node.func).endswith(
                ("load_session", "load_module")):
            return
        ctx.report(self, node, f"{ctx.qualname(node.func)}() deserializes code and runs it")
