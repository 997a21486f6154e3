"""A Telnet connection, which sends everything (passwords too) in clear text.

## What it does
Flags `telnetlib.Telnet(...)` and the `telnetlib3` client helpers.

## Why is this bad
Telnet has no encryption or server authentication: credentials and session
data can be read and modified by anyone on the network path (CWE-319).
`telnetlib` was also removed from the standard library in Python 3.13.

## Example
```python
import telnetlib
session = telnetlib.Telnet(host)
session.write(password.encode() + b"\\n")
```

## Use instead
```python
import paramiko
client = paramiko.SSHClient()
client.load_system_host_keys()
client.connect(host, username=user)
```

## References
- https://cwe.mitre.org/data/definitions/319.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule


class TelnetUsed(Rule):
    id = "APX456"
    name = "telnet-used"
    category = "cleartext-protocol"
    cwe = 319
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B312", "B401")
    calls = frozenset({"telnetlib.Telnet", "telnetlib3.open_connection"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        ctx.report(self, node, "Telnet sends credentials and data in clear text; use SSH")
