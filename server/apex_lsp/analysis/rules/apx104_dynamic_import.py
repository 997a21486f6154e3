"""Module imported by a name computed at run time.

## What it does
Flags `__import__(name)`, `importlib.import_module(name)` and
`importlib.__import__(name)` when the module name is not a literal.
A value picked from an UPPER_CASE mapping (`BACKENDS[key]`,
`BACKENDS.get(key)`) is taken to be an allow-list lookup and is not flagged.

## Why is this bad
Importing a module runs its top-level code. If an attacker can choose the
name (a plugin setting, a query parameter, a serialized class path) they can
import any module on `sys.path`, including one they managed to write, and
run it (CWE-470). Literal names are not flagged. A name with a literal package
prefix (`"app.plugins." + name`, `f".{name}"` with `package=`) only reaches
modules inside that package and is reported as low severity. Plugin loaders
and frameworks do this by design, so confidence is low: check where the name
comes from.

## Example
```python
handler = importlib.import_module(request.args["backend"])
```

## Use instead
Map the allowed choices explicitly:
```python
BACKENDS = {"s3": "app.backends.s3", "local": "app.backends.local"}
handler = importlib.import_module(BACKENDS[request.args["backend"]])
```

## References
- https://docs.python.org/3/library/importlib.html#importlib.import_module
- https://cwe.mitre.org/data/definitions/470.html
"""
import ast

from ..context import FileContext, argument, is_constant, is_table_lookup
from ..model import Confidence, Severity
from ..rule import Rule


class DynamicImport(Rule):
    id = "APX104"
    name = "import-by-computed-name"
    category = "code-injection"
    cwe = 470
    severity = Severity.MEDIUM
    confidence = Confidence.LOW
    capability = "dynamic_code"
    calls = frozenset({"__import__", "builtins.__import__", "importlib.import_module",
                       "importlib.__import__"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        name = argument(node, 0, "name")
        if name is None or is_constant(name) or is_table_lookup(name):
            return
        prefix = _literal_prefix(name)
        if prefix.endswith(".") or prefix.startswith("."):
            ctx.report(self, node, f"module imported by a computed name inside '{prefix}'",
                       severity=Severity.LOW)
            return
        ctx.report(self, node, "module imported by a computed name; an attacker who "
                               "chooses the name chooses the code that runs")


def _literal_prefix(node: ast.expr) -> str:
    """The literal text a built string starts with (``"pkg." + x`` gives ``"pkg."``)."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        node = node.left
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "format":
        node = node.func.value
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.partition("{")[0]
    return ""
