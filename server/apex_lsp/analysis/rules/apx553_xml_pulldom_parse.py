"""XML parsed with `xml.dom.pulldom` from a non-literal source.

## What it does
Flags `xml.dom.pulldom.parse`/`parseString` when the document is not a
literal.

## Why is this bad
pulldom sits on the SAX parser and inherits its lack of protection against
entity expansion ("billion laughs"), so hostile input exhausts memory and CPU
(CWE-776).

## Example
```python
from xml.dom import pulldom
events = pulldom.parseString(body)
```

## Use instead
```python
from defusedxml import pulldom
events = pulldom.parseString(body)
```

## References
- https://docs.python.org/3/library/xml.html#xml-vulnerabilities
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule


class XmlPulldomParse(Rule):
    id = "APX553"
    name = "xml-pulldom-untrusted"
    category = "xml"
    cwe = 776
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    bandit = ("B319", "B407")
    calls = frozenset({"xml.dom.pulldom.parse", "xml.dom.pulldom.parseString"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        source = argument(node, 0)
        if source is None or is_constant(source):
            return
        ctx.report(self, node, "xml.dom.pulldom is not hardened against malicious XML; use "
                               "defusedxml.pulldom for untrusted input")
