"""Jinja2 environment without HTML autoescaping.

## What it does
Flags `jinja2.Environment(...)` created with `autoescape=False` (high
confidence) or without an `autoescape` argument (medium confidence, since
Jinja2's default is off). `autoescape=True`, `select_autoescape(...)` and
non-literal values are accepted.

## Why is this bad
Without autoescaping every `{{ value }}` is pasted into the HTML as it is, so
any user-controlled value can inject markup and script (CWE-79). If the
environment renders something other than HTML (e-mails in plain text,
configuration files), suppress the finding with a comment saying so.

## Example
```python
env = jinja2.Environment(loader=FileSystemLoader("templates"))
```

## Use instead
```python
env = jinja2.Environment(loader=FileSystemLoader("templates"),
                         autoescape=select_autoescape(["html", "xml"]))
```

## References
- https://jinja.palletsprojects.com/en/stable/api/#autoescaping
- https://cwe.mitre.org/data/definitions/79.html
"""
import ast

from ..context import FileContext, is_false, keyword
from ..model import Confidence, Severity
from ..rule import Rule


class Jinja2Autoescape(Rule):
    id = "APX303"
    name = "jinja2-autoescape-disabled"
    category = "xss"
    cwe = 79
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    bandit = ("B701",)
    calls = frozenset({"jinja2.Environment", "jinja2.environment.Environment"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        autoescape = keyword(node, "autoescape")
        if autoescape is None:
            if any(kw.arg is None for kw in node.keywords):
                return  # may come in **options
            ctx.report(self, node, "jinja2 Environment without autoescape: HTML is not escaped "
                                   "by default; use autoescape=select_autoescape()",
                       confidence=Confidence.MEDIUM)
        elif is_false(autoescape):
            ctx.report(self, node, "jinja2 Environment with autoescape=False renders values "
                                   "into HTML unescaped")
