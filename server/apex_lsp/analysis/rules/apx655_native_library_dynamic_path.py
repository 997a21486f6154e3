"""A native library loaded from a path that is not a literal.

## What it does
Flags `ctypes.CDLL`, `PyDLL`, `WinDLL`, `OleDLL`, `ctypes.cdll.LoadLibrary`
(and `windll`, `pydll`, `oledll`), `ctypes.LibraryLoader(...).LoadLibrary` and
cffi's `ffi.dlopen(...)` when the library path is built at run time.
Literal names, `None` (the main program) and `ctypes.util.find_library("c")`
with a literal name are fine.

## Why is this bad
Loading a shared library runs its initialisers with the process's privileges.
If an attacker influences the path (a request parameter, a configuration value,
a writable directory on the search path) they get native code execution
(CWE-114, CWE-427).

## Example
```python
import ctypes
plugin = ctypes.CDLL(os.path.join(plugin_dir, name))
```

## Use instead
```python
import ctypes
ALLOWED = {"fast": "/opt/app/lib/libfast.so"}
plugin = ctypes.CDLL(ALLOWED[name])  # apex: ignore[APX655] fixed allow-list
```

## References
- https://cwe.mitre.org/data/definitions/114.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule

_LOADERS = frozenset({
    *(f"ctypes.{n}" for n in ("CDLL", "PyDLL", "WinDLL", "OleDLL")),
    *(f"ctypes.{n}.LoadLibrary" for n in ("cdll", "pydll", "windll", "oledll")),
    "_ctypes.dlopen"})


def _static(node: ast.AST | None, ctx: FileContext) -> bool:
    if node is None or is_constant(node):
        return True
    if isinstance(node, ast.Call) and ctx.qualname(node.func) == "ctypes.util.find_library":
        return all(is_constant(a) for a in node.args)
    return isinstance(node, ast.Name) and node.id.isupper()  # a module constant


class NativeLibraryDynamicPath(Rule):
    id = "APX655"
    name = "native-library-dynamic-path"
    category = "native-code"
    cwe = 114
    severity = Severity.MEDIUM
    confidence = Confidence.LOW
    capability = "native_code"
    calls = _LOADERS
    methods = frozenset({"dlopen", "LoadLibrary"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        path = argument(node, 0, "name")
        if path is None and node.func.__class__ is ast.Attribute and node.func.attr == "dlopen":
            return
        if not _static(path, ctx):
            ctx.report(self, node, "native library loaded from a path computed at run time; "
                                   "load only fixed, trusted paths")
