"""`render_template_string` with a template that is not a literal.

## What it does
Flags Flask's `render_template_string(source, ...)` (also from
`flask.templating` and Quart) when the template source is not a constant
string. Passing values as keyword arguments to a literal template is the
intended use and is not flagged.

## Why is this bad
The first argument is template *code*. Building it from user input is
server-side template injection: `{{ cycler.__init__.__globals__.os.popen('id').read() }}`
runs commands on the server (CWE-1336), and at the very least the values
skip escaping.

## Example
```python
from flask import render_template_string
return render_template_string(f"<h1>Hello {name}</h1>")
```

## Use instead
```python
from flask import render_template_string
return render_template_string("<h1>Hello {{ name }}</h1>", name=name)
```

## References
- https://flask.palletsprojects.com/en/stable/api/#flask.render_template_string
- https://cwe.mitre.org/data/definitions/1336.html
"""
import ast

from ..context import FileContext, argument, is_constant, is_string_building
from ..model import Confidence, Severity
from ..rule import Rule


class RenderTemplateString(Rule):
    id = "APX302"
    name = "render-template-string-non-literal"
    category = "template-injection"
    cwe = 1336
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "dynamic_code"
    calls = frozenset({"flask.render_template_string", "flask.templating.render_template_string",
                       "quart.render_template_string"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        source = argument(node, 0, "source")
        if source is None or is_constant(source):
            return
        ctx.report(self, node, "template source built at run time allows server-side "
                               "template injection; pass values as context variables",
                   confidence=Confidence.HIGH if is_string_building(source) else None)
