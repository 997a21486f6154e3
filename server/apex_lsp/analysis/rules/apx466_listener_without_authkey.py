"""A `multiprocessing` listener on a TCP address without an auth key.

## What it does
Flags `multiprocessing.connection.Listener(...)` given a `(host, port)`
address and no `authkey=`. (Managers are not flagged: without `authkey` they
use the process's random key.)

## Why is this bad
These endpoints exchange pickles: whoever connects can send a pickle that runs
code in the listening process. Without an `authkey`, no handshake keeps
strangers out (CWE-306, CWE-502).

## Example
```python
from multiprocessing.connection import Listener
listener = Listener(("0.0.0.0", 6000))
```

## Use instead
```python
from multiprocessing.connection import Listener
listener = Listener(("127.0.0.1", 6000), authkey=os.environ["WORKER_AUTHKEY"].encode())
```

## References
- https://docs.python.org/3/library/multiprocessing.html#multiprocessing-auth-keys
"""
import ast

from ..context import FileContext, argument, keyword
from ..model import Confidence, Severity
from ..rule import Rule

#: callee -> (position of the address argument, position of authkey)
_ENDPOINTS = {
    "multiprocessing.connection.Listener": (0, 3),
}


class ListenerWithoutAuthkey(Rule):
    id = "APX466"
    name = "listener-without-authkey"
    category = "network"
    cwe = 306
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "network"
    calls = frozenset(_ENDPOINTS)

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        address_at, authkey_at = _ENDPOINTS[ctx.qualname(node.func)]
        address = argument(node, address_at, "address")
        if not isinstance(address, ast.Tuple):  # a Unix socket path, a pipe or unknown
            return
        if any(k.arg is None for k in node.keywords):
            return
        authkey = argument(node, authkey_at, "authkey")
        if authkey is None or (isinstance(authkey, ast.Constant) and authkey.value is None):
            ctx.report(self, node, "network endpoint exchanging pickles without authkey=: "
                                   "anyone who connects can run code")
