"""Expression evaluator given a string that is not a literal.

## What it does
Flags `pandas.eval`, `numexpr.evaluate`, `sympy.sympify` and
`sympy.parsing.sympy_parser.parse_expr` when the expression is not a
constant string.

## Why is this bad
These look like safe math parsers but fall back to Python's `eval`:
`sympify` and `parse_expr` call `eval` on the transformed text, `pandas.eval`
can use the Python engine, and `numexpr.evaluate` validated its input with a
bypassable check until 2.8.5 (CVE-2023-39631). An expression from a user can
run arbitrary code (CWE-95).

## Example
```python
result = sympy.sympify(request.form["formula"])
```

## Use instead
Parse the formula with a grammar that only admits numbers, names you define
and operators, or evaluate literals with `ast.literal_eval`. For sympy,
validate the string against a strict character whitelist first.

## References
- https://docs.sympy.org/latest/modules/core.html#sympy.core.sympify.sympify
- https://cwe.mitre.org/data/definitions/95.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule

_EVALUATORS = frozenset({"pandas.eval", "numexpr.evaluate", "sympy.sympify", "sympy.parse_expr",
                         "sympy.core.sympify.sympify",
                         "sympy.parsing.sympy_parser.parse_expr", "sympy.parsing.parse_expr"})


class ExpressionEvaluators(Rule):
    id = "APX109"
    name = "expression-evaluator-non-literal"
    category = "code-injection"
    cwe = 95
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "dynamic_code"
    calls = _EVALUATORS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        expression = argument(node, 0)
        if expression is None:
            expression = next((kw.value for kw in node.keywords
                               if kw.arg in ("expr", "ex", "s", "a")), None)
        if expression is None or is_constant(expression):
            return
        ctx.report(self, node, f"{ctx.qualname(node.func)}() evaluates its string with eval; "
                               "a user-supplied expression can run code")
