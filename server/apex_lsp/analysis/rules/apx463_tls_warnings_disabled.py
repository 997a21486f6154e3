"""urllib3's warning about unverified HTTPS requests silenced.

## What it does
Flags `urllib3.disable_warnings()` (and `requests.packages.urllib3...`) when
called without a category or with `InsecureRequestWarning`.

## Why is this bad
The warning is printed because a request went out with certificate
verification turned off. Silencing it hides that connections can be
intercepted; it almost always sits next to a `verify=False` (CWE-295).

## Example
```python
import urllib3
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
```

## Use instead
Keep certificate verification on (pass `verify="ca.pem"` for an internal CA)
and leave the warning enabled.

## References
- https://urllib3.readthedocs.io/en/stable/advanced-usage.html#tls-warnings
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule


class TlsWarningsDisabled(Rule):
    id = "APX463"
    name = "tls-warnings-disabled"
    category = "tls"
    cwe = 295
    severity = Severity.LOW
    confidence = Confidence.HIGH
    capability = "network"
    calls = frozenset({"urllib3.disable_warnings", "requests.packages.urllib3.disable_warnings"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        category = argument(node, 0, "category")
        name = ctx.qualname(category) if category is not None else "InsecureRequestWarning"
        if name and name.rpartition(".")[2] in ("InsecureRequestWarning", "HTTPWarning"):
            ctx.report(self, node, "disabling InsecureRequestWarning hides requests made "
                                   "without certificate verification")
