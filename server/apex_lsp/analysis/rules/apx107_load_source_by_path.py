"""Module loaded from a file path chosen at run time.

## What it does
Flags `imp.load_source`, `imp.load_module`, `importlib.machinery.SourceFileLoader`
and `importlib.util.spec_from_file_location` when the path argument is not a
literal.

## Why is this bad
Loading a module from a path executes that file. A path that comes from
configuration, an upload directory or a request lets whoever can write
there run code in the process (CWE-94). A literal path is left alone.

## Example
```python
spec = importlib.util.spec_from_file_location("plugin", upload_dir / name)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
```

## Use instead
Install plugins as packages and load them by a whitelisted entry-point name
(`importlib.metadata.entry_points(group="app.plugins")`), or at least
resolve the path and check that it lies inside a directory only
administrators can write.

## References
- https://docs.python.org/3/library/importlib.html#importlib.util.spec_from_file_location
- https://cwe.mitre.org/data/definitions/94.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule

#: Position and keyword of the path argument of each loader.
_PATH_ARG = {
    "imp.load_source": (1, "pathname"),
    "imp.load_module": (2, "filename"),
    "imp.load_compiled": (1, "pathname"),
    "importlib.machinery.SourceFileLoader": (1, "path"),
    "importlib.machinery.SourcelessFileLoader": (1, "path"),
    "importlib.util.spec_from_file_location": (1, "location"),
}


class LoadSourceByPath(Rule):
    id = "APX107"
    name = "module-loaded-from-computed-path"
    category = "code-injection"
    cwe = 94
    severity = Severity.MEDIUM
    confidence = Confidence.LOW
    capability = "dynamic_code"
    calls = frozenset(_PATH_ARG)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        position, name = _PATH_ARG[ctx.qualname(node.func) or ""]
        path = argument(node, position, name)
        if path is None or is_constant(path):
            return
        ctx.report(self, node, "module code loaded from a path chosen at run time")
