"""Flask / Werkzeug debugger enabled.

## What it does
Flags `app.run(debug=True)`, `app.debug = True`,
`app.config["DEBUG"] = True`, Werkzeug's `run_simple(..., use_debugger=True)`
and `DebuggedApplication(app, evalex=True)`.

## Why is this bad
The Werkzeug debugger serves an interactive Python console in the browser on
every error page. Anyone who can reach the server and get past (or guess,
or compute from leaked information) the PIN runs arbitrary code on it
(CWE-94, CWE-489). Debug mode also leaks source code and configuration in
tracebacks.

## Example
```python
if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
```

## Use instead
Take debug mode from the environment, off by default, and never use the
development server in production:
```python
app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
```

## References
- https://flask.palletsprojects.com/en/stable/debugging/
- https://werkzeug.palletsprojects.com/en/stable/debug/
- https://cwe.mitre.org/data/definitions/489.html
"""
import ast

from ..context import FileContext, assigned_settings, is_true, keyword
from ..model import Confidence, Severity
from ..rule import Rule

_WERKZEUG = {"werkzeug.run_simple": "use_debugger", "werkzeug.serving.run_simple": "use_debugger",
             "werkzeug.debug.DebuggedApplication": "evalex",
             "werkzeug.DebuggedApplication": "evalex"}


class FlaskDebug(Rule):
    id = "APX306"
    name = "flask-debug-enabled"
    category = "debug-enabled"
    cwe = 489
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    bandit = ("B201",)
    calls = frozenset(_WERKZEUG)
    methods = frozenset({"run"})
    node_types = (ast.Assign,)
    settings = frozenset({"debug", "DEBUG"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.qualname(node.func) or ""
        if name in _WERKZEUG:
            flag = keyword(node, _WERKZEUG[name])
            if name.endswith("DebuggedApplication") and flag is None:
                return  # evalex defaults to False: tracebacks only
        else:
            flag = keyword(node, "debug")
        if is_true(flag):
            ctx.report(self, node, "debug mode exposes the Werkzeug interactive debugger, which "
                                   "runs arbitrary code")

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        for key, value, target in assigned_settings(node):
            if not is_true(value):
                continue
            if (key == "debug" and isinstance(target, ast.Attribute)
                    and _name_of(target.value) in ("app", "application", "server")) or \
                    (key == "DEBUG" and isinstance(target, ast.Subscript)
                     and _name_of(target.value) == "config"):
                ctx.report(self, node, "Flask debug mode enabled in code; take it from the "
                                       "environment instead")


def _name_of(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
