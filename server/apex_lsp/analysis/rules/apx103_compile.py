"""`compile` called on source that is not a literal.

## What it does
Flags calls to the builtin `compile` whose source argument is not a constant
string. The code object it returns is meant to be run with `exec` or `eval`,
so compiling code built at run time is the first half of a code injection.

## Why is this bad
Whoever controls the source controls what the resulting code object does
once it is executed (CWE-95). Compiling an AST you built yourself is also
flagged with low confidence, because the tree may embed untrusted names.

## Example
```python
code = compile(user_formula, "<formula>", "eval")
result = eval(code, namespace)
```

## Use instead
Evaluate data with `ast.literal_eval`, or parse the formula into a small,
whitelisted AST and interpret it yourself.
```python
import ast
result = ast.literal_eval(user_formula)
```

## References
- https://docs.python.org/3/library/functions.html#compile
- https://cwe.mitre.org/data/definitions/95.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule


class CompileUsed(Rule):
    id = "APX103"
    name = "compile-used"
    category = "code-injection"
    cwe = 95
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "dynamic_code"
    calls = frozenset({"compile", "builtins.compile"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        source = argument(node, 0, "source")
        if source is None or is_constant(source):
            return
        ctx.report(self, node, "compile() of non-literal source prepares arbitrary code "
                               "for execution")
