"""Reading or changing environment variables.

## What it does
Flags every use of `os.environ`/`os.environb` and calls of `os.getenv`, `os.putenv`, `os.unsetenv`.

## Why is this bad
Environment variables carry credentials (tokens, passwords, cloud keys) (CWE-526), and changing them changes what child processes and libraries do. Isolation mode audits every access so a review can see which variables the code read.

The finding reports the use; the policy decides what it means. With
`apex check --mode isolation` (or `mode` in `[tool.apex]`) a denied use is an
error ("environment ... is denied in isolation mode — policy:
pyproject.toml [tool.apex]"), an audited use is a note, and an allowed use is
not shown.

## Example
```python
token = os.environ["GITHUB_TOKEN"]
```

## Use instead
Pass configuration explicitly, or allow the variables the code needs:
```toml
[tool.apex.capabilities]
environment = { allow = ["APP_*"] }
```

## References
- docs/policy.md (capabilities and modes)
- https://cwe.mitre.org/data/definitions/526.html
"""
from .apx9_common import CapabilityUse, apis_doc

__doc__ += apis_doc("environment")


class EnvironmentAccessUse(CapabilityUse):
    id = "APX908"
    name = "environment-access"
    cwe = 526
    capability = "environment"
