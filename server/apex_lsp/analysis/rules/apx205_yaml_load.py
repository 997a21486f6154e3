"""`yaml.load` without a safe loader.

## What it does
Flags `yaml.load(...)` and `yaml.load_all(...)` when no `Loader` is given or
the loader is `Loader`, `UnsafeLoader`, `FullLoader` or one of their C
variants. `SafeLoader`, `CSafeLoader`, `BaseLoader` and `CBaseLoader` are
fine. A loader passed in a variable is reported with low confidence.

When no loader is given and the call is spelled `yaml.load(stream)`, the
finding carries a fix that rewrites it to `yaml.safe_load(stream)`.

## Why is this bad
The full and unsafe loaders understand tags like `!!python/object/apply`,
which construct arbitrary Python objects and call arbitrary functions while
the document is parsed. Loading YAML that anyone else wrote runs their code
(CWE-502). Before PyYAML 5.1 the default loader was the unsafe one, and old
code still relies on it.

## Example
```python
config = yaml.load(request.data)
config = yaml.load(stream, Loader=yaml.FullLoader)
```

## Use instead
```python
config = yaml.safe_load(request.data)
config = yaml.load(stream, Loader=yaml.SafeLoader)
```

## References
- https://pyyaml.org/wiki/PyYAMLDocumentation
- https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, argument, char_column, is_constant
from ..model import Confidence, Fix, Severity, TextEdit
from ..rule import Rule

_SAFE = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
_UNSAFE = frozenset({"Loader", "CLoader", "UnsafeLoader", "CUnsafeLoader", "FullLoader",
                     "CFullLoader"})
_SAFE_NAME = {"load": "safe_load", "load_all": "safe_load_all"}


class YamlLoad(Rule):
    id = "APX205"
    name = "yaml-load-unsafe-loader"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "deserialization"
    bandit = ("B506",)
    calls = frozenset({"yaml.load", "yaml.load_all"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if any(kw.arg is None for kw in node.keywords):
            return  # **kwargs may carry the loader
        stream = argument(node, 0, "stream")
        if stream is not None and is_constant(stream):
            return
        loader = argument(node, 1, "Loader")
        function = (ctx.qualname(node.func) or "").rpartition(".")[2]
        if loader is None:
            ctx.report(self, node, f"yaml.{function}() without a Loader uses an unsafe loader "
                                   f"on old PyYAML; use yaml.{_SAFE_NAME[function]}()",
                       fix=self._fix(node, ctx, function))
            return
        name = (ctx.qualname(loader) or "").rpartition(".")[2]
        if name in _SAFE:
            return
        if name in _UNSAFE:
            ctx.report(self, node, f"yaml.{function}() with {name} can construct arbitrary "
                                   "Python objects; use SafeLoader")
            return
        ctx.report(self, node, f"yaml.{function}() with a loader that is not known to be safe",
                   severity=Severity.MEDIUM, confidence=Confidence.LOW)

    @staticmethod
    def _fix(node: ast.Call, ctx: FileContext, function: str) -> Fix | None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and ctx.qualname(func.value) == "yaml"):
            return None  # `from yaml import load`: the rewrite would need a new import
        line = func.end_lineno or func.lineno
        end = func.end_col_offset or 0
        start = end - len(func.attr.encode("utf-8"))
        if ctx.lines[line - 1].encode("utf-8")[start:end].decode("utf-8", "replace") != func.attr:
            return None  # a line continuation between the dot and the name
        replacement = _SAFE_NAME[function]
        edit = TextEdit(line, char_column(ctx, line, start), line, char_column(ctx, line, end),
                        replacement)
        return Fix(f"Use yaml.{replacement}()", (edit,))
