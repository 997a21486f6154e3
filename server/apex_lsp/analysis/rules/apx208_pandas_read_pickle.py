"""`pandas.read_pickle` loads a pickle.

## What it does
Flags `pandas.read_pickle(...)` (also through `import pandas as pd`).

## Why is this bad
`read_pickle` is `pickle.load` with decompression in front: a file from
anyone else runs their code when it is read (CWE-502). It also accepts URLs,
so a "data file" can come straight from the network.

## Example
```python
import pandas as pd
frame = pd.read_pickle(f"https://example.com/{dataset}.pkl")
```

## Use instead
```python
import pandas as pd
frame = pd.read_parquet(path)   # or read_csv / read_feather
```

## References
- https://pandas.pydata.org/docs/reference/api/pandas.read_pickle.html
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule


class PandasReadPickle(Rule):
    id = "APX208"
    name = "pandas-read-pickle"
    category = "deserialization"
    cwe = 502
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "deserialization"
    bandit = ("B301",)
    calls = frozenset({"pandas.read_pickle", "pandas.io.pickle.read_pickle"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        ctx.report(self, node, "pandas.read_pickle() unpickles the file and can run code from "
                               "it; use parquet, feather or CSV for data exchange")
