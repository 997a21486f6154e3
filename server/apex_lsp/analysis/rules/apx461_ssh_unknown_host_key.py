"""Paramiko told to accept unknown SSH host keys.

## What it does
Flags `client.set_missing_host_key_policy(...)` given `AutoAddPolicy` or
`WarningPolicy` (the class or an instance), from `paramiko` or
`paramiko.client`.

## Why is this bad
SSH authenticates the server by its host key. Accepting any unknown key means
the first connection (and every connection from a fresh machine or container)
can be to an impostor who then receives the password or the commands
(CWE-295, CWE-322).

## Example
```python
import paramiko
client = paramiko.SSHClient()
client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
```

## Use instead
```python
import paramiko
client = paramiko.SSHClient()
client.load_system_host_keys()
client.set_missing_host_key_policy(paramiko.RejectPolicy())
```

## References
- https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.AutoAddPolicy
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

_LAX = frozenset({"AutoAddPolicy", "WarningPolicy"})


class SshUnknownHostKey(Rule):
    id = "APX461"
    name = "ssh-unknown-host-key-accepted"
    category = "network"
    cwe = 295
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B507",)
    methods = frozenset({"set_missing_host_key_policy"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        policy = argument(node, 0, "policy")
        if isinstance(policy, ast.Call):
            policy = policy.func
        qualname = ctx.qualname(policy) if policy is not None else None
        if not qualname:
            return
        head, _, last = qualname.rpartition(".")
        if last in _LAX and (head in ("paramiko", "paramiko.client") or not head):
            ctx.report(self, node, f"{last} accepts unknown SSH host keys; load known hosts "
                                   "and use RejectPolicy")
