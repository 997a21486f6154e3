"""SNMPv1 or SNMPv2c, which authenticate with a clear-text community string.

## What it does
Flags pysnmp's `CommunityData(...)`, which selects SNMPv1 (`mpModel=0`) or
SNMPv2c (the default).

## Why is this bad
SNMP v1/v2c send the community string (the password) and all data in clear
text, so anyone on the path can read it and then read or write the device's
configuration (CWE-319).

## Example
```python
from pysnmp.hlapi import CommunityData
auth = CommunityData("public", mpModel=0)
```

## Use instead
```python
from pysnmp.hlapi import UsmUserData, usmHMACSHAAuthProtocol, usmAesCfb128Protocol
auth = UsmUserData("user", auth_key, priv_key,
                   authProtocol=usmHMACSHAAuthProtocol, privProtocol=usmAesCfb128Protocol)
```

## References
- https://www.rfc-editor.org/rfc/rfc3414
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_COMMUNITY = frozenset({"pysnmp.hlapi.CommunityData", "pysnmp.hlapi.asyncio.CommunityData",
                        "pysnmp.hlapi.v3arch.CommunityData",
                        "pysnmp.hlapi.v3arch.asyncio.CommunityData",
                        "pysnmp.entity.rfc3413.oneliner.cmdgen.CommunityData"})


class SnmpInsecureVersion(Rule):
    id = "APX464"
    name = "snmp-insecure-version"
    category = "cleartext-protocol"
    cwe = 319
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B508",)
    calls = _COMMUNITY

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        ctx.report(self, node, "SNMP v1/v2c sends the community string in clear text; "
                               "use SNMPv3 with authentication and privacy")
