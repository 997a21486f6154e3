"""`multiprocessing.connection` endpoint without an `authkey`.

## What it does
Flags `multiprocessing.connection.Listener(...)` created without an
`authkey`. (Managers are not flagged: without an explicit key they use the
process's random `authkey`.)

## Why is this bad
Connection objects send and receive pickles: `recv()` unpickles whatever the
peer sent. Without `authkey` any process that can reach the address,
including other users on the machine or the network for TCP addresses, can
send a pickle that runs code in the listener (CWE-502, CWE-306).

## Example
```python
from multiprocessing.connection import Listener
listener = Listener(("0.0.0.0", 6000))
message = listener.accept().recv()
```

## Use instead
```python
from multiprocessing.connection import Listener
listener = Listener(("127.0.0.1", 6000), authkey=secrets_from_config)
```

## References
- https://docs.python.org/3/library/multiprocessing.html#multiprocessing-auth-keys
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, argument, is_false
from ..model import Confidence, Severity
from ..rule import Rule



class MultiprocessingListener(Rule):
    id = "APX214"
    name = "multiprocessing-connection-without-authkey"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "deserialization"
    calls = frozenset({"multiprocessing.connection.Listener"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if any(kw.arg is None for kw in node.keywords):
            return
        authkey = argument(node, 3, "authkey")
        if authkey is None or is_false(authkey):
            ctx.report(self, node, "connection without authkey: any peer can send a pickle "
                                   "that runs code on recv()")
