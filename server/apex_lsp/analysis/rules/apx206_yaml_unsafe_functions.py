"""`yaml.unsafe_load` / `yaml.full_load` used.

## What it does
Flags `yaml.unsafe_load`, `yaml.unsafe_load_all` (high severity),
`yaml.full_load` and `yaml.full_load_all` (medium severity), and
constructing the unsafe loader classes directly (`yaml.UnsafeLoader(stream)`).

## Why is this bad
`unsafe_load` accepts `!!python/object/apply` and friends, which run
arbitrary functions while parsing (CWE-502). `full_load` refuses the worst
tags since PyYAML 5.4 but still builds arbitrary Python objects and has had
several bypasses; PyYAML's documentation says not to use it on untrusted
input.

## Example
```python
data = yaml.unsafe_load(upload.read())
data = yaml.full_load(message)
```

## Use instead
```python
data = yaml.safe_load(upload.read())
```

## References
- https://pyyaml.org/wiki/PyYAMLDocumentation
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule

_SEVERITY = {"unsafe_load": Severity.HIGH, "unsafe_load_all": Severity.HIGH,
             "UnsafeLoader": Severity.HIGH, "CUnsafeLoader": Severity.HIGH,
             "full_load": Severity.MEDIUM, "full_load_all": Severity.MEDIUM,
             "FullLoader": Severity.MEDIUM, "CFullLoader": Severity.MEDIUM}


class YamlUnsafeFunctions(Rule):
    id = "APX206"
    name = "yaml-unsafe-load"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "deserialization"
    bandit = ("B506",)
    calls = frozenset(f"yaml.{name}" for name in _SEVERITY)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        stream = argument(node, 0, "stream")
        if stream is not None and is_constant(stream):
            return
        name = (ctx.qualname(node.func) or "").rpartition(".")[2]
        ctx.report(self, node, f"yaml.{name} can construct arbitrary Python objects; "
                               "use yaml.safe_load", severity=_SEVERITY[name])
