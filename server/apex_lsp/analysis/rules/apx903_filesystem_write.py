"""Writing, renaming or deleting files and directories.

## What it does
Flags `open` in a writing mode (`w`, `a`, `x`, `+`; an unknown mode counts as writing), `os.remove`/`rename`/`mkdir` and friends, `shutil` copies and removals, `tempfile` files, and pathlib's `write_text`/`write_bytes`/`unlink`/`mkdir`/`touch`.

## Why is this bad
Writes can destroy data, plant code that runs later (a `.pth` file, a module on `sys.path`) or fill the disk (CWE-284). Isolation mode allows writes only under its scratch directory.

The finding reports the use; the policy decides what it means. With
`apex check --mode isolation` (or `mode` in `[tool.apex]`) a denied use is an
error ("filesystem write ... is denied in isolation mode — policy:
pyproject.toml [tool.apex]"), an audited use is a note, and an allowed use is
not shown.

## Example
```python
with open("settings.json", "w") as handle:
    handle.write(data)
```

## Use instead
Write only where the policy allows:
```toml
[tool.apex.capabilities]
filesystem_write = { allow = ["build/**"] }
```

## References
- docs/policy.md (capabilities and modes)
- https://cwe.mitre.org/data/definitions/284.html
"""
from .apx9_common import CapabilityUse, apis_doc

__doc__ += apis_doc("filesystem_write")


class FilesystemWriteUse(CapabilityUse):
    id = "APX903"
    name = "filesystem-write"
    cwe = 284
    capability = "filesystem_write"
