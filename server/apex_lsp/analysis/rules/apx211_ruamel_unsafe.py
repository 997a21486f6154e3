"""`ruamel.yaml` configured with the unsafe loader.

## What it does
Flags `ruamel.yaml.YAML(typ="unsafe")` and the legacy
`ruamel.yaml.load(stream)` / `ruamel.yaml.load(stream, Loader=...)` API
without a safe loader.

## Why is this bad
The unsafe type resolves `!!python/object` and related tags into arbitrary
Python objects, calling constructors while parsing; a document from anyone
else runs their code (CWE-502).

## Example
```python
from ruamel.yaml import YAML
yaml = YAML(typ="unsafe")
config = yaml.load(upload)
```

## Use instead
```python
from ruamel.yaml import YAML
yaml = YAML(typ="safe")
config = yaml.load(upload)
```

## References
- https://yaml.readthedocs.io/en/latest/basicuse/
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, argument, keyword, literal
from ..model import Confidence, Severity
from ..rule import Rule

_SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})


class RuamelUnsafe(Rule):
    id = "APX211"
    name = "ruamel-yaml-unsafe"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "deserialization"
    calls = frozenset({"ruamel.yaml.YAML", "ruamel.yaml.main.YAML", "ruamel.yaml.load",
                       "ruamel.yaml.load_all"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.qualname(node.func) or ""
        if name.endswith("YAML"):
            typ = literal(keyword(node, "typ"), None)
            kinds = typ if isinstance(typ, list) else [typ]
            if "unsafe" in kinds:
                ctx.report(self, node, "YAML(typ='unsafe') constructs arbitrary Python objects; "
                                       "use typ='safe'")
            return
        loader = argument(node, 1, "Loader")
        if loader is not None and (ctx.qualname(loader) or "").rpartition(".")[2] in _SAFE_LOADERS:
            return
        ctx.report(self, node, "legacy ruamel.yaml.load() without a safe Loader constructs "
                               "arbitrary Python objects")
