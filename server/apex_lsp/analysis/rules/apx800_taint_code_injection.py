"""Untrusted data reaches code execution (`eval`, `exec`, `compile`, `import_module`).

## What it does
Follows data from request parameters, command-line arguments, environment
variables and `input()` through assignments, string building and function
calls (in the same file and, in `apex check`, across the workspace) and reports
when it reaches `eval`, `exec`, `compile`, `__import__`,
`importlib.import_module` or `runpy`. The diagnostic's related information
lists where the data entered, each hop, and the sink.

## Why is this bad
Whoever controls the value runs arbitrary Python with the program's
privileges (CWE-94). Unlike the pattern rule for `eval`, this finding means a
path from the outside world to the call was found.

## Example
```python
from flask import request

@app.route("/calc")
def calc():
    return str(eval(request.args["expr"]))
```

## Use instead
```python
import ast

@app.route("/calc")
def calc():
    return str(ast.literal_eval(request.args["expr"]))
```

## References
- https://cwe.mitre.org/data/definitions/94.html
"""
from ..taint.rulebase import TaintRule


class TaintCodeInjection(TaintRule):
    kind = "code"
    name = "taint-code-injection"
    cwe = 94
    capability = "dynamic_code"
