"""Untrusted data is deserialized with an unsafe loader.

## What it does
Reports a path from untrusted input (request bodies, uploaded files,
command-line arguments) to `pickle`/`dill`/`cloudpickle` loads, `marshal`,
`shelve.open`, `yaml.load` without a safe loader, `yaml.unsafe_load`,
`jsonpickle.decode`, `pandas.read_pickle` or `joblib.load`.

## Why is this bad
These formats can name any callable to run while loading: the sender runs
code on the server (CWE-502).

## Example
```python
@app.route("/restore", methods=["POST"])
def restore():
    state = pickle.loads(request.get_data())
```

## Use instead
```python
@app.route("/restore", methods=["POST"])
def restore():
    state = json.loads(request.get_data())
```

## References
- https://cwe.mitre.org/data/definitions/502.html
"""
from ..taint.rulebase import TaintRule


class TaintDeserialization(TaintRule):
    kind = "deserialization"
    name = "taint-deserialization"
    cwe = 502
    capability = "deserialization"
