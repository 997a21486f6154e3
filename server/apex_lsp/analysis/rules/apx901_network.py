"""Network access (sockets, HTTP clients, servers).

## What it does
Opens network connections or listens for them: sockets, TLS, HTTP clients (urllib, http.client, requests, httpx, aiohttp, websockets) and servers.

## Why is this bad
Code that reaches the network can leak data, fetch and run payloads, or attack internal services (CWE-669). Untrusted code in isolation mode has no business talking to the network; in hybrid mode each connection is recorded.

The finding reports the use; the policy decides what it means. With
`apex check --mode isolation` (or `mode` in `[tool.apex]`) a denied use is an
error ("network ... is denied in isolation mode — policy:
pyproject.toml [tool.apex]"), an audited use is a note, and an allowed use is
not shown.

## Example
```python
import requests
requests.get("https://example.com/data.json")
```

## Use instead
Read the data from a file checked into the project, or allow the one host the code needs:
```toml
[tool.apex.capabilities]
network = { allow = ["api.example.com:443"] }
```

## References
- docs/policy.md (capabilities and modes)
- https://cwe.mitre.org/data/definitions/669.html
"""
from .apx9_common import CapabilityUse, apis_doc

__doc__ += apis_doc("network")


class NetworkAccessUse(CapabilityUse):
    id = "APX901"
    name = "network-access"
    cwe = 669
    capability = "network"
