"""A private key embedded in the source.

## What it does
Flags string and bytes literals holding a PEM/OpenSSH/PGP private key block
(`-----BEGIN RSA PRIVATE KEY-----` followed by key material). A string that
holds only the header line, as in a parser, is not flagged.

## Why is this bad
Whoever reads the code can impersonate the key's owner: decrypt traffic, sign
releases or log in to servers. The key has to be considered compromised and
replaced (CWE-321, CWE-798).

## Example
```python
KEY = \"\"\"-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi4b6Q5Xv0kqZg7Q2l3aJ4eG1xY...
-----END RSA PRIVATE KEY-----\"\"\"
```

## Use instead
```python
from pathlib import Path
KEY = Path(os.environ["SIGNING_KEY_FILE"]).read_bytes()
```

## References
- https://cwe.mitre.org/data/definitions/321.html
"""
import ast
import re

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_HEADER = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,24}PRIVATE KEY(?: BLOCK)?)-----")
_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/=]{40,}")


class PrivateKeyLiteral(Rule):
    id = "APX506"
    name = "private-key-literal"
    category = "secrets"
    cwe = 321
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    node_types = (ast.Constant,)
    constants = (str, bytes)

    def check(self, node: ast.Constant, ctx: FileContext) -> None:
        value = node.value
        if value.__class__ is bytes:
            if b"-----BEGIN" not in value:
                return
            value = value.decode("latin-1")
        elif value.__class__ is not str or "-----BEGIN" not in value:
            return
        match = _HEADER.search(value)
        if match and _KEY_MATERIAL.search(value, match.end()):
            ctx.report(self, node, f"hardcoded {match.group(1).lower()}; treat it as "
                                   "compromised and load keys from files or a secret store")
