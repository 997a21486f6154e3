"""XML parsed with `xml.sax` from a non-literal source.

## What it does
Flags `xml.sax.parse`/`parseString` with a non-literal document and
`xml.sax.make_parser()`.

## Why is this bad
The SAX parser has no protection against entity expansion ("billion laughs")
and, if `feature_external_ges` is switched on (see APX558), resolves external
entities that read local files (CWE-776, CWE-611).

## Example
```python
import xml.sax
xml.sax.parseString(payload, handler)
```

## Use instead
```python
import defusedxml.sax
defusedxml.sax.parseString(payload, handler)
```

## References
- https://docs.python.org/3/library/xml.html#xml-vulnerabilities
"""
import ast

from ..context import FileContext, argument, is_constant
from ..model import Confidence, Severity
from ..rule import Rule


class XmlSaxParse(Rule):
    id = "APX552"
    name = "xml-sax-untrusted"
    category = "xml"
    cwe = 776
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    bandit = ("B317", "B406")
    calls = frozenset({"xml.sax.parse", "xml.sax.parseString", "xml.sax.make_parser"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.qualname(node.func) != "xml.sax.make_parser":
            source = argument(node, 0)
            if source is None or is_constant(source):
                return
        ctx.report(self, node, "xml.sax is not hardened against malicious XML; use "
                               "defusedxml.sax for untrusted input")
