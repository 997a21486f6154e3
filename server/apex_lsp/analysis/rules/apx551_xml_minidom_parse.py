"""XML parsed with `xml.dom.minidom` from a non-literal source.

## What it does
Flags `xml.dom.minidom.parse`/`parseString` and
`xml.dom.expatbuilder.parse`/`parseString` when the document is not a literal.

## Why is this bad
minidom builds the whole tree in memory with no protection against entity
expansion ("billion laughs"), so a small hostile document can exhaust memory
and CPU (CWE-776).

## Example
```python
from xml.dom import minidom
document = minidom.parseString(upload.read())
```

## Use instead
```python
from defusedxml import minidom
document = minidom.parseString(upload.read())
```

## References
- https://docs.python.org/3/library/xml.html#xml-vulnerabilities
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule

_PARSERS = frozenset(f"{module}.{name}" for module in ("xml.dom.minidom", "xml.dom.expatbuilder")
                     for name in ("parse", "parseString"))


class XmlMinidomParse(Rule):
    id = "APX551"
    name = "xml-minidom-untrusted"
    category = "xml"
    cwe = 776
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    bandit = ("B318", "B408")
    calls = _PARSERS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        source = argument(node, 0)
        if source is None or is_constant(source):
            return
        ctx.report(self, node, "xml.dom.minidom is not hardened against malicious XML; use "
                               "defusedxml.minidom for untrusted input")
