"""A debugger breakpoint left in the code.

## What it does
Flags `breakpoint()`, `pdb.set_trace()`, `ipdb.set_trace()`,
`pudb.set_trace()`, `IPython.embed()` and the remote debuggers
`remote_pdb.set_trace()`, `rpdb.set_trace()`, `web_pdb.set_trace()` and
`madbg.set_trace()`. `pdb.post_mortem()` is not flagged: command-line tools
call it on purpose behind a `--pdb` option.

## Why is this bad
In production a breakpoint stops the request (or the whole service) waiting
for a terminal; the remote variants open a network port that gives whoever
connects a Python shell inside the process (CWE-489).

## Example
```python
def charge(order):
    import pdb; pdb.set_trace()
    gateway.charge(order)
```

## Use instead
```python
def charge(order):
    gateway.charge(order)
```
and set breakpoints in the debugger instead of in the code.

## References
- https://cwe.mitre.org/data/definitions/489.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_LOCAL = frozenset({"breakpoint", "builtins.breakpoint", "pdb.set_trace",
                    "pdb.Pdb.set_trace", "ipdb.set_trace", "pudb.set_trace",
                    "IPython.embed", "IPython.core.debugger.set_trace"})
_REMOTE = frozenset({"remote_pdb.set_trace", "rpdb.set_trace", "web_pdb.set_trace",
                     "madbg.set_trace", "celery.contrib.rdb.set_trace"})


class DebuggerLeftIn(Rule):
    id = "APX658"
    name = "debugger-left-in"
    category = "debug"
    cwe = 489
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    calls = _LOCAL | _REMOTE

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        qualname = ctx.qualname(node.func)
        if qualname in _REMOTE:
            ctx.report(self, node, f"{qualname}() opens a remote debugger: a Python shell for "
                                   "whoever connects", severity=Severity.HIGH)
        else:
            ctx.report(self, node, f"{qualname}() left in the code stops the program for a "
                                   "debugger")
