"""`numpy.load` with `allow_pickle=True`.

## What it does
Flags `numpy.load(..., allow_pickle=True)` (high confidence) and
`allow_pickle=<variable>` (low confidence). The default, `False`, is safe.

## Why is this bad
Object arrays in `.npy`/`.npz` files are stored as pickles. With
`allow_pickle=True` loading such a file unpickles it, so a crafted file runs
code (CWE-502). NumPy turned the default off in 1.16.3 for this reason
(CVE-2019-6446).

## Example
```python
import numpy as np
features = np.load(uploaded, allow_pickle=True)
```

## Use instead
Store numeric arrays only, and load them without pickle:
```python
import numpy as np
features = np.load(uploaded)
```

## References
- https://numpy.org/doc/stable/reference/generated/numpy.load.html
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, argument, is_false
from ..model import Confidence, Severity
from ..rule import Rule


class NumpyLoadAllowPickle(Rule):
    id = "APX209"
    name = "numpy-load-allow-pickle"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "deserialization"
    calls = frozenset({"numpy.load"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        allow = argument(node, 2, "allow_pickle")
        if allow is None or is_false(allow):
            return
        ctx.report(self, node, "numpy.load(allow_pickle=True) unpickles object arrays and can "
                               "run code from the file",
                   confidence=None if isinstance(allow, ast.Constant) else Confidence.LOW)
