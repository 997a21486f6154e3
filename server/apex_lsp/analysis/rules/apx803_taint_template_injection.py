"""Untrusted data is compiled as a template (server-side template injection).

## What it does
Reports a path from untrusted input to the template *source* of
`flask.render_template_string`, `jinja2.Template`, `Environment.from_string`,
`django.template.Template`, `mako.template.Template` or
`tornado.template.Template`.

## Why is this bad
Template languages can reach Python objects: `{{ ''.__class__.__mro__ }}`
and similar payloads run code on the server (CWE-1336).

## Example
```python
@app.route("/hello")
def hello():
    return render_template_string("Hello " + request.args["name"])
```

## Use instead
Pass data as template *variables*:
```python
@app.route("/hello")
def hello():
    return render_template_string("Hello {{ name }}", name=request.args["name"])
```

## References
- https://cwe.mitre.org/data/definitions/1336.html
"""
from ..taint.rulebase import TaintRule


class TaintTemplateInjection(TaintRule):
    kind = "template"
    name = "taint-template-injection"
    cwe = 1336
    capability = "dynamic_code"
