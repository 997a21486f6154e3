"""`eval` called on a value that is not a literal.

## What it does
Flags calls to the builtin `eval` whose expression argument is not a constant
string.

## Why is this bad
`eval` runs arbitrary Python. If any part of the argument comes from a user,
a file or the network, the caller can run any code with the program's
privileges (CWE-95).

## Example
```python
value = eval(request.args["value"])
```

## Use instead
```python
import ast
value = ast.literal_eval(request.args["value"])
```

## References
- https://docs.python.org/3/library/functions.html#eval
- https://cwe.mitre.org/data/definitions/95.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule


class EvalUsed(Rule):
    id = "APX101"
    name = "eval-used"
    category = "code-injection"
    cwe = 95
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "dynamic_code"
    bandit = ("B307",)
    calls = frozenset({"eval", "builtins.eval"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        source = argument(node, 0, "source")
        if source is None or is_constant(source):
            return
        ctx.report(self, node, "eval() of a non-literal expression can run arbitrary code; "
                               "use ast.literal_eval for data")
