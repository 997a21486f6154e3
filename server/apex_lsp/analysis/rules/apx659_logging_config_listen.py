"""`logging.config.listen()`, a socket that accepts logging configuration.

## What it does
Flags `logging.config.listen(...)` called without a `verify=` function.

## Why is this bad
The listener accepts a new logging configuration from anyone who can connect
to the port, and configuration can name arbitrary classes and callables to
import and call, so a connection can run code in the process (CWE-94,
CWE-306). The port binds to all interfaces on some platforms.

## Example
```python
import logging.config
thread = logging.config.listen(9999)
thread.start()
```

## Use instead
```python
import logging.config
thread = logging.config.listen(9999, verify=check_signature)
thread.start()
```
where `check_signature` returns the bytes only when their signature is valid.

## References
- https://docs.python.org/3/library/logging.config.html#logging.config.listen
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule


class LoggingConfigListen(Rule):
    id = "APX659"
    name = "logging-config-listen"
    category = "network"
    cwe = 94
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    calls = frozenset({"logging.config.listen"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        verify = argument(node, 1, "verify")
        if verify is None or (isinstance(verify, ast.Constant) and verify.value is None):
            ctx.report(self, node, "logging.config.listen() without verify= lets anyone who "
                                   "connects reconfigure logging and run code")
