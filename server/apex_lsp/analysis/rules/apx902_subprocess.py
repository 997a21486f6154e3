"""Starting another program (subprocess, os.system, exec, spawn, multiprocessing).

## What it does
Starts programs or forks: subprocess, os.system/popen, the os.exec*/spawn* families, pty, multiprocessing and asyncio subprocesses.

## Why is this bad
Another program runs outside every check Apex makes in this interpreter: it can do anything the user can (CWE-668). Isolation mode denies it; hybrid mode audits it.

The finding reports the use; the policy decides what it means. With
`apex check --mode isolation` (or `mode` in `[tool.apex]`) a denied use is an
error ("subprocess ... is denied in isolation mode — policy:
pyproject.toml [tool.apex]"), an audited use is a note, and an allowed use is
not shown.

## Example
```python
import subprocess
subprocess.run(["git", "pull"])
```

## Use instead
Do the work in Python, or allow the one executable needed:
```toml
[tool.apex.capabilities]
subprocess = { allow = ["git"] }
```

## References
- docs/policy.md (capabilities and modes)
- https://cwe.mitre.org/data/definitions/668.html
"""
from .apx9_common import CapabilityUse, apis_doc

__doc__ += apis_doc("subprocess")


class SubprocessStartUse(CapabilityUse):
    id = "APX902"
    name = "subprocess-start"
    cwe = 668
    capability = "subprocess"
