"""Starting threads.

## What it does
Flags `threading.Thread`/`Timer`, `_thread.start_new_thread`, thread pools, `asyncio.to_thread` and `run_in_executor`.

## Why is this bad
Threads are allowed in every built-in mode. A policy can deny them for code that must stay single-threaded, for example to keep resource use bounded (CWE-400).

The finding reports the use; the policy decides what it means. With
`apex check --mode isolation` (or `mode` in `[tool.apex]`) a denied use is an
error ("threads ... is denied in isolation mode — policy:
pyproject.toml [tool.apex]"), an audited use is a note, and an allowed use is
not shown.

## Example
```python
threading.Thread(target=worker).start()
```

## Use instead
Run the work in the calling thread, or allow threads in the policy.

## References
- docs/policy.md (capabilities and modes)
- https://cwe.mitre.org/data/definitions/400.html
"""
from .apx9_common import CapabilityUse, apis_doc

__doc__ += apis_doc("threads")


class ThreadStartUse(CapabilityUse):
    id = "APX909"
    name = "thread-start"
    cwe = 400
    capability = "threads"
