"""Mako templates without HTML escaping.

## What it does
Flags `mako.template.Template(...)` and `mako.lookup.TemplateLookup(...)`
unless `default_filters` includes `"h"` (HTML escaping).

## Why is this bad
Mako does not escape expressions by default: `${name}` writes the value as
raw HTML, so user data can inject markup and script (CWE-79). Every
expression then needs a `| h` filter, and one forgotten filter is an XSS.

## Example
```python
from mako.lookup import TemplateLookup
lookup = TemplateLookup(directories=["templates"])
```

## Use instead
```python
from mako.lookup import TemplateLookup
lookup = TemplateLookup(directories=["templates"], default_filters=["h"])
```

## References
- https://docs.makotemplates.org/en/latest/filtering.html
- https://cwe.mitre.org/data/definitions/79.html
"""
import ast

from ..context import FileContext, keyword, literal
from ..model import Confidence, Severity
from ..rule import Rule


class MakoAutoescape(Rule):
    id = "APX305"
    name = "mako-without-html-escaping"
    category = "xss"
    cwe = 79
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B702",)
    calls = frozenset({"mako.template.Template", "mako.lookup.TemplateLookup"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        filters = keyword(node, "default_filters")
        if filters is None:
            if any(kw.arg is None for kw in node.keywords):
                return
        else:
            value = literal(filters, None)
            if value is None or (isinstance(value, (list, tuple)) and "h" in value):
                return  # computed filters, or HTML escaping on
        ctx.report(self, node, "Mako does not HTML-escape expressions unless default_filters "
                               "includes 'h'")
