"""Template compiled from a string built at run time.

## What it does
Flags `jinja2.Template(source)`, `environment.from_string(source)` (on a
receiver named like a template engine: `env`, `jinja_env`, `engines[...]`),
`django.template.Template(source)` and
`mako.template.Template(source)` when the template source is not a
constant string.

## Why is this bad
Template source is code: Jinja2 and Mako expressions can reach Python
internals, and Mako runs arbitrary Python in `<% %>` blocks. A template
built from user input is server-side template injection, which usually ends
in remote code execution (CWE-1336). Loading templates from files and
passing user data as context variables avoids it. Template text in a plain
variable (often read from a file) is reported with low confidence.

## Example
```python
template = env.from_string("Hello " + request.args["name"])
```

## Use instead
```python
template = env.from_string("Hello {{ name }}")
template.render(name=request.args["name"])
```
If users really must write templates, use `jinja2.sandbox.SandboxedEnvironment`.

## References
- https://jinja.palletsprojects.com/en/stable/sandbox/
- https://cwe.mitre.org/data/definitions/1336.html
"""
import ast

from ..context import FileContext, argument, is_constant, is_string_building
from ..model import Confidence, Severity
from ..rule import Rule


class TemplateFromString(Rule):
    id = "APX304"
    name = "template-from-computed-string"
    category = "template-injection"
    cwe = 1336
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "dynamic_code"
    calls = frozenset({"jinja2.Template", "jinja2.environment.Template", "django.template.Template",
                       "django.template.base.Template", "mako.template.Template"})
    methods = frozenset({"from_string"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.qualname(node.func) or ""
        if name in self.calls:
            source = argument(node, 0, "text" if name.startswith("mako") else "source")
            if source is None and name.startswith("mako"):
                return  # Template(filename=...) loads a file
        else:
            if not _looks_like_template_engine(node.func.value):
                return  # Version.from_string(...) and other parsers
            source = argument(node, 0, "source")
        if source is None or is_constant(source):
            return
        if not is_string_building(source) and name not in self.calls:
            return  # env.from_string(template_text) from a variable: too common to flag blindly
        ctx.report(self, node, "template compiled from a string built at run time allows "
                               "server-side template injection",
                   confidence=Confidence.HIGH if is_string_building(source) else Confidence.LOW)


def _looks_like_template_engine(receiver: ast.expr) -> bool:
    """``env``, ``self.jinja_env``, ``engines["django"]``, ``app.jinja_environment``..."""
    while isinstance(receiver, ast.Subscript):
        receiver = receiver.value
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    name = name.lower()
    return any(word in name for word in ("env", "jinja", "engine", "template"))
