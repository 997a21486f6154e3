"""Interactive interpreter fed with source built at run time.

## What it does
Flags `runsource` / `runcode` / `push` on `code.InteractiveInterpreter` and
`code.InteractiveConsole` objects, and `code.interact(...)`, when the source
is not a literal. `runsource` and `runcode` are matched on any receiver
because the interpreter object is usually stored in an attribute; `push`, a
common method name, only when called directly on a new interpreter object.

## Why is this bad
These objects are a REPL: they compile and run whatever they are given. A
"debug console" endpoint or a chat command wired to one is remote code
execution for anyone who can reach it (CWE-94).

## Example
```python
console = code.InteractiveConsole(namespace)
console.runsource(request.json["line"])
```

## Use instead
Do not expose an interpreter to untrusted input. For a debugging console use
a debugger that requires authentication and binds to localhost only.

## References
- https://docs.python.org/3/library/code.html
- https://cwe.mitre.org/data/definitions/94.html
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule

_CLASSES = frozenset({"code.InteractiveInterpreter", "code.InteractiveConsole"})


class InteractiveInterpreterInput(Rule):
    id = "APX106"
    name = "interpreter-runs-computed-source"
    category = "code-injection"
    cwe = 94
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "dynamic_code"
    methods = frozenset({"runsource", "runcode", "push"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        assert isinstance(func, ast.Attribute)
        receiver = func.value
        on_known_class = (isinstance(receiver, ast.Call)
                          and ctx.qualname(receiver.func) in _CLASSES)
        if func.attr == "push" and not on_known_class:
            return  # list.push, queue.push, ...: too common a name to match blindly
        source = argument(node, 0, "source" if func.attr == "runsource" else "code")
        if source is None or is_constant(source):
            return
        ctx.report(self, node, f"{func.attr}() runs source built at run time in an "
                               "interactive interpreter",
                   confidence=Confidence.HIGH if on_known_class else Confidence.MEDIUM)
