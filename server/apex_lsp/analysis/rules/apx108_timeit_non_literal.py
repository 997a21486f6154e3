"""`timeit` given statements that are not literals.

## What it does
Flags `timeit.timeit`, `timeit.repeat` and `timeit.Timer` when the `stmt`
or `setup` argument is a string that is not a constant. Callables are fine.

## Why is this bad
`timeit` compiles and `exec`s its `stmt` and `setup` strings. A benchmark
helper that accepts an expression from a request, a CLI of a shared service,
or a configuration file runs arbitrary code (CWE-95), and the call does not
look like code execution to a reviewer.

## Example
```python
elapsed = timeit.timeit(request.args["expr"], number=1000)
```

## Use instead
Pass a callable:
```python
elapsed = timeit.timeit(lambda: OPERATIONS[name](data), number=1000)
```

## References
- https://docs.python.org/3/library/timeit.html
- https://cwe.mitre.org/data/definitions/95.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule


class TimeitNonLiteral(Rule):
    id = "APX108"
    name = "timeit-non-literal-code"
    category = "code-injection"
    cwe = 95
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "dynamic_code"
    calls = frozenset({"timeit.timeit", "timeit.repeat", "timeit.Timer"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        for position, name in ((0, "stmt"), (1, "setup")):
            code = argument(node, position, name)
            if code is None or is_constant(code) or isinstance(code, ast.Lambda):
                continue
            if isinstance(code, ast.Name) and not _looks_like_source(code.id):
                continue  # most likely a function object
            ctx.report(self, node, f"timeit executes its {name} string as code")
            return


def _looks_like_source(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in ("code", "stmt", "statement", "expr", "source",
                                            "snippet", "setup", "src"))
