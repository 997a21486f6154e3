"""SNMPv3 without authentication or without encryption.

## What it does
Flags pysnmp's `UsmUserData(user)` without an authentication key, or with an
authentication key but no privacy (encryption) key, and explicit
`usmNoAuthProtocol`/`usmNoPrivProtocol`.

## Why is this bad
SNMPv3 is only secure in `authPriv` mode. Without authentication anyone can
send commands as the user; without privacy the traffic (often device
configuration and credentials) is readable on the network (CWE-319).

## Example
```python
from pysnmp.hlapi import UsmUserData
auth = UsmUserData("monitor", auth_key)
```

## Use instead
```python
from pysnmp.hlapi import UsmUserData, usmHMACSHAAuthProtocol, usmAesCfb128Protocol
auth = UsmUserData("monitor", auth_key, priv_key,
                   authProtocol=usmHMACSHAAuthProtocol, privProtocol=usmAesCfb128Protocol)
```

## References
- https://www.rfc-editor.org/rfc/rfc3414
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule

_USM = frozenset({"pysnmp.hlapi.UsmUserData", "pysnmp.hlapi.asyncio.UsmUserData",
                  "pysnmp.hlapi.v3arch.UsmUserData", "pysnmp.hlapi.v3arch.asyncio.UsmUserData",
                  "pysnmp.entity.rfc3413.oneliner.cmdgen.UsmUserData"})


def _missing(node: ast.AST | None) -> bool:
    if node is None:
        return True
    if isinstance(node, ast.Constant) and node.value is None:
        return True
    return isinstance(node, (ast.Name, ast.Attribute)) and \
        (node.id if isinstance(node, ast.Name) else node.attr) in (
            "usmNoAuthProtocol", "usmNoPrivProtocol")


class SnmpWeakV3(Rule):
    id = "APX465"
    name = "snmp-weak-v3"
    category = "cleartext-protocol"
    cwe = 319
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B509",)
    calls = _USM

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if any(k.arg is None for k in node.keywords) or any(
                isinstance(a, ast.Starred) for a in node.args):
            return
        auth_key = argument(node, 1, "authKey")
        priv_key = argument(node, 2, "privKey")
        auth_protocol = argument(node, 3, "authProtocol")
        priv_protocol = argument(node, 4, "privProtocol")
        if _missing(auth_key) or (auth_protocol is not None and _missing(auth_protocol)):
            ctx.report(self, node, "SNMPv3 user without authentication (noAuthNoPriv)")
        elif _missing(priv_key) or (priv_protocol is not None and _missing(priv_protocol)):
            ctx.report(self, node, "SNMPv3 user without privacy: traffic is not encrypted "
                                   "(authNoPriv)")
