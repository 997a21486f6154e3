"""`runpy` runs a module or file chosen at run time.

## What it does
Flags `runpy.run_path(path)` and `runpy.run_module(name)` when the path or
module name is not a literal.
A value picked from an UPPER_CASE mapping (`SCRIPTS[name]`) is accepted as an
allow-list lookup.

## Why is this bad
`runpy` executes the target's code in a fresh namespace with full privileges.
A path or module name that comes from configuration, a request or a file
lets whoever controls it run their own code (CWE-94).

## Example
```python
import runpy
runpy.run_path(sys.argv[1])
runpy.run_module(settings.plugin)
```

## Use instead
Run only modules from a fixed list, and import them instead of executing
them by path:
```python
PLUGINS = {"report": "app.plugins.report"}
importlib.import_module(PLUGINS[choice]).main()
```

## References
- https://docs.python.org/3/library/runpy.html
- https://cwe.mitre.org/data/definitions/94.html
"""
import ast

from ..context import FileContext, argument, is_constant, is_table_lookup
from ..model import Confidence, Severity
from ..rule import Rule


class RunpyNonLiteral(Rule):
    id = "APX105"
    name = "runpy-computed-target"
    category = "code-injection"
    cwe = 94
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "dynamic_code"
    calls = frozenset({"runpy.run_path", "runpy.run_module"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        keyword = "path_name" if ctx.qualname(node.func) == "runpy.run_path" else "mod_name"
        target = argument(node, 0, keyword)
        if target is None or is_constant(target) or is_table_lookup(target):
            return
        ctx.report(self, node, "runpy executes a module or file chosen at run time")
