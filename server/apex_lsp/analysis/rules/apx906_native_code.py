"""Loading or calling native code (ctypes, cffi).

## What it does
Flags loading shared libraries and raw memory access through ctypes and cffi, and loading extension modules from a path.

## Why is this bad
Native code runs outside the interpreter: no audit hook, no Python-level check can see what it does, and a wrong pointer corrupts the process (CWE-676).

The finding reports the use; the policy decides what it means. With
`apex check --mode isolation` (or `mode` in `[tool.apex]`) a denied use is an
error ("native code ... is denied in isolation mode — policy:
pyproject.toml [tool.apex]"), an audited use is a note, and an allowed use is
not shown.

## Example
```python
import ctypes
libc = ctypes.CDLL("libc.so.6")
```

## Use instead
Use a Python API or a vetted extension module installed as a dependency.

## References
- docs/policy.md (capabilities and modes)
- https://cwe.mitre.org/data/definitions/676.html
"""
from .apx9_common import CapabilityUse, apis_doc

__doc__ += apis_doc("native_code")


class NativeCodeUse(CapabilityUse):
    id = "APX906"
    name = "native-code"
    cwe = 676
    capability = "native_code"
