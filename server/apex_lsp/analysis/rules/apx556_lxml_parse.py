"""XML parsed with lxml from a non-literal source with the default parser.

## What it does
Flags `lxml.etree.parse`, `fromstring`, `XML`, `XMLID`, `iterparse`,
`fromstringlist` and `lxml.objectify.parse`/`fromstring` when the document is
not a literal and no `parser=` is given.

## Why is this bad
lxml's default parser resolves entities (lxml < 5.0 resolves external ones
too), so a document with `<!ENTITY x SYSTEM "file:///etc/passwd">` can read
local files into the result (XXE, CWE-611), and huge entity expansion can
exhaust memory.

## Example
```python
from lxml import etree
tree = etree.fromstring(request.body)
```

## Use instead
```python
from lxml import etree
parser = etree.XMLParser(resolve_entities=False, no_network=True)
tree = etree.fromstring(request.body, parser=parser)
```
or `defusedxml.lxml` for older code.

## References
- https://lxml.de/FAQ.html#how-do-i-use-lxml-safely-as-a-web-service-endpoint
"""
import ast

from ..context import FileContext, argument, is_constant, keyword
from ..model import Confidence, Severity
from ..rule import Rule

_PARSERS = frozenset({
    *(f"lxml.etree.{n}" for n in ("parse", "fromstring", "XML", "XMLID", "iterparse",
                                  "fromstringlist")),
    "lxml.objectify.parse", "lxml.objectify.fromstring", "lxml.objectify.XML"})


class LxmlParse(Rule):
    id = "APX556"
    name = "lxml-untrusted"
    category = "xml"
    cwe = 611
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B320", "B410")
    calls = _PARSERS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        source = argument(node, 0)
        if source is None or is_constant(source):
            return
        if keyword(node, "parser") is not None or len(node.args) >= 2:
            return  # an explicitly configured parser (APX557 checks its options)
        ctx.report(self, node, "lxml's default parser resolves entities (XXE); pass a parser "
                               "with resolve_entities=False, no_network=True")
