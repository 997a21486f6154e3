"""Reading files.

## What it does
Flags `open` in a reading mode and pathlib's `read_text`/`read_bytes`.

## Why is this bad
Reading is allowed in every built-in mode, but a policy can restrict it to some paths (CWE-552), for example to keep credentials in the home directory out of reach.

The finding reports the use; the policy decides what it means. With
`apex check --mode isolation` (or `mode` in `[tool.apex]`) a denied use is an
error ("filesystem read ... is denied in isolation mode — policy:
pyproject.toml [tool.apex]"), an audited use is a note, and an allowed use is
not shown.

## Example
```python
open(os.path.expanduser("~/.aws/credentials")).read()
```

## Use instead
Read project files only:
```toml
[tool.apex.capabilities]
filesystem_read = { action = "deny", allow = ["**"] }
```

## References
- docs/policy.md (capabilities and modes)
- https://cwe.mitre.org/data/definitions/552.html
"""
from .apx9_common import CapabilityUse, apis_doc

__doc__ += apis_doc("filesystem_read")


class FilesystemReadUse(CapabilityUse):
    id = "APX904"
    name = "filesystem-read"
    cwe = 552
    capability = "filesystem_read"
