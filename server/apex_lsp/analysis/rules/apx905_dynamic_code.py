"""Running code built at run time (eval, exec, compile, import by name).

## What it does
Flags `eval`, `exec`, `compile`, `runpy`, and `__import__`/`importlib.import_module` with a computed module name.

## Why is this bad
Code that is built at run time cannot be checked before it runs (CWE-913). Isolation mode denies it; hybrid mode audits it. When APX101-APX104 also flag the call, the policy verdict is added to that finding instead of a second one.

The finding reports the use; the policy decides what it means. With
`apex check --mode isolation` (or `mode` in `[tool.apex]`) a denied use is an
error ("dynamic code ... is denied in isolation mode — policy:
pyproject.toml [tool.apex]"), an audited use is a note, and an allowed use is
not shown.

## Example
```python
handler = eval(config["handler"])
```

## Use instead
Look the value up in a table of allowed choices:
```python
handler = HANDLERS[config["handler"]]
```

## References
- docs/policy.md (capabilities and modes)
- https://cwe.mitre.org/data/definitions/913.html
"""
from .apx9_common import CapabilityUse, apis_doc

__doc__ += apis_doc("dynamic_code")


class DynamicCodeUse(CapabilityUse):
    id = "APX905"
    name = "dynamic-code"
    cwe = 913
    capability = "dynamic_code"
