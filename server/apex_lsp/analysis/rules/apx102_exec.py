"""`exec` called on code that is not a literal.

## What it does
Flags calls to the builtin `exec` whose code argument is not a constant
string. `exec("x = 1")` with a literal is left alone: nobody but the author
chooses that code.

## Why is this bad
`exec` runs arbitrary statements with the caller's privileges. When any part
of the code comes from a request, a file, an environment variable or the
network, whoever controls it controls the process (CWE-95).

## Example
```python
exec(request.form["snippet"])
exec(f"result = {expression}")
```

## Use instead
Dispatch to known functions instead of generating code, or parse data with a
real parser:
```python
import ast
OPERATIONS = {"add": operator.add, "sub": operator.sub}
result = OPERATIONS[name](a, b)
value = ast.literal_eval(text)
```

## References
- https://docs.python.org/3/library/functions.html#exec
- https://cwe.mitre.org/data/definitions/95.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule


class ExecUsed(Rule):
    id = "APX102"
    name = "exec-used"
    category = "code-injection"
    cwe = 95
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "dynamic_code"
    bandit = ("B102",)
    calls = frozenset({"exec", "builtins.exec"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        source = argument(node, 0, "source")
        if source is None or is_constant(source):
            return
        ctx.report(self, node, "exec() of non-literal code can run arbitrary statements")
