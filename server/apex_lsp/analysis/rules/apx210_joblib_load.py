"""`joblib.load` loads a pickle.

## What it does
Flags `joblib.load(...)`, including the old `sklearn.externals.joblib.load`.

## Why is this bad
joblib files are pickles with efficient array storage. Loading a model file
that someone else produced (a shared bucket, a model zoo, an upload) runs
any code they embedded (CWE-502).

## Example
```python
model = joblib.load(request.files["model"])
```

## Use instead
Load only files you produced and stored where others cannot write; for
exchange use a format without code, such as ONNX or `skops.io` with a list
of trusted types:
```python
model = skops.io.load(path, trusted=["sklearn.linear_model.LogisticRegression"])
```

## References
- https://joblib.readthedocs.io/en/latest/generated/joblib.load.html
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule


class JoblibLoad(Rule):
    id = "APX210"
    name = "joblib-load"
    category = "deserialization"
    cwe = 502
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "deserialization"
    bandit = ("B301",)
    calls = frozenset({"joblib.load", "sklearn.externals.joblib.load"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        ctx.report(self, node, "joblib.load() unpickles the file and can run code from it")
