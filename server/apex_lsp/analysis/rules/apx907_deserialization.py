"""Deserializing with a format that can run code (pickle, marshal, unsafe yaml).

## What it does
Flags pickle, marshal, shelve, dill, cloudpickle, jsonpickle, joblib and pandas pickle loading, `yaml.load` without a safe loader, `torch.load` without `weights_only=True` and `numpy.load(allow_pickle=True)`.

## Why is this bad
These formats can describe objects whose construction runs arbitrary code (CWE-913). When a deserialization rule (APX200-APX213) also flags the call, the policy verdict joins that finding.

The finding reports the use; the policy decides what it means. With
`apex check --mode isolation` (or `mode` in `[tool.apex]`) a denied use is an
error ("deserialization ... is denied in isolation mode — policy:
pyproject.toml [tool.apex]"), an audited use is a note, and an allowed use is
not shown.

## Example
```python
import pickle
state = pickle.loads(payload)
```

## Use instead
Use a data-only format:
```python
import json
state = json.loads(payload)
```

## References
- docs/policy.md (capabilities and modes)
- https://cwe.mitre.org/data/definitions/913.html
"""
from .apx9_common import CapabilityUse, apis_doc

__doc__ += apis_doc("deserialization")


class DeserializationUse(CapabilityUse):
    id = "APX907"
    name = "deserialization"
    cwe = 913
    capability = "deserialization"
