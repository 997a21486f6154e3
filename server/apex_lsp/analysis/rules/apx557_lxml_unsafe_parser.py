"""An lxml parser configured to resolve entities or reach the network.

## What it does
Flags `lxml.etree.XMLParser(...)` (and `XMLPullParser`, `ETCompatXMLParser`)
created with `resolve_entities=True`, `no_network=False`, `load_dtd=True` or
`huge_tree=True`.

## Why is this bad
`resolve_entities=True` expands external entities, so a document can read
local files (XXE); `no_network=False` lets it make the server fetch URLs
(SSRF); `load_dtd=True` loads external DTDs; `huge_tree=True` removes the
limits that stop entity-expansion bombs (CWE-611, CWE-776).

## Example
```python
from lxml import etree
parser = etree.XMLParser(resolve_entities=True, no_network=False)
```

## Use instead
```python
from lxml import etree
parser = etree.XMLParser(resolve_entities=False, no_network=True)
```

## References
- https://lxml.de/api/lxml.etree.XMLParser-class.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_PARSERS = frozenset(f"lxml.etree.{n}" for n in ("XMLParser", "XMLPullParser",
                                                 "ETCompatXMLParser"))
#: keyword -> the dangerous literal value
_UNSAFE = {"resolve_entities": True, "no_network": False, "load_dtd": True, "huge_tree": True}


class LxmlUnsafeParser(Rule):
    id = "APX557"
    name = "lxml-unsafe-parser"
    category = "xml"
    cwe = 611
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    bandit = ("B320",)
    calls = _PARSERS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        unsafe = [kw.arg for kw in node.keywords if kw.arg in _UNSAFE
                  and isinstance(kw.value, ast.Constant) and kw.value.value is _UNSAFE[kw.arg]]
        if unsafe:
            settings = ", ".join(f"{name}={_UNSAFE[name]}" for name in unsafe)
            ctx.report(self, node, f"lxml parser with {settings} exposes the application to "
                                   "XXE, SSRF or entity expansion")
