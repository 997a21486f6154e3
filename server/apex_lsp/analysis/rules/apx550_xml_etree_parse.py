"""XML parsed with `xml.etree.ElementTree` from a non-literal source.

## What it does
Flags `xml.etree.ElementTree` (and `cElementTree`) `parse`, `iterparse`,
`fromstring`, `fromstringlist`, `XML` and `XMLID` when the document is not a
literal.

## Why is this bad
The standard library's XML parsers are not hardened against malicious
documents. ElementTree does not fetch external entities, but depending on the
bundled expat version it can be driven into exponential entity expansion
("billion laughs") or quadratic blow-up, exhausting memory and CPU (CWE-776).
The Python documentation recommends `defusedxml` for untrusted data. Files your
own program wrote are fine; suppress the finding there.

## Example
```python
import xml.etree.ElementTree as ET
root = ET.fromstring(request.body)
```

## Use instead
```python
import defusedxml.ElementTree as ET
root = ET.fromstring(request.body)
```

## References
- https://docs.python.org/3/library/xml.html#xml-vulnerabilities
- https://pypi.org/project/defusedxml/
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule

_PARSERS = frozenset(
    f"{module}.{name}" for module in ("xml.etree.ElementTree", "xml.etree.cElementTree")
    for name in ("parse", "iterparse", "fromstring", "fromstringlist", "XML", "XMLID"))


class XmlEtreeParse(Rule):
    id = "APX550"
    name = "xml-etree-untrusted"
    category = "xml"
    cwe = 776
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    bandit = ("B313", "B314", "B405")
    calls = _PARSERS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        source = argument(node, 0)
        if source is None or is_constant(source):
            return
        ctx.report(self, node, "xml.etree is not hardened against malicious XML (entity "
                               "expansion); use defusedxml.ElementTree for untrusted input")
