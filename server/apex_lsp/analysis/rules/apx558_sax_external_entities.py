"""A SAX parser told to resolve external entities.

## What it does
Flags `parser.setFeature(feature_external_ges, True)` and
`setFeature(feature_external_pes, True)` (by constant or by the feature's URI).

## Why is this bad
With external general or parameter entities enabled, a document can include
`<!ENTITY x SYSTEM "file:///etc/passwd">` and read local files or make the
program fetch URLs (XXE, CWE-611). The feature is off by default since
Python 3.7.1; turning it on brings the attack back.

## Example
```python
import xml.sax
from xml.sax.handler import feature_external_ges
parser = xml.sax.make_parser()
parser.setFeature(feature_external_ges, True)
```

## Use instead
```python
import defusedxml.sax
parser = defusedxml.sax.make_parser()
```

## References
- https://docs.python.org/3/library/xml.sax.handler.html#xml.sax.handler.feature_external_ges
"""
import ast

from ..context import FileContext, argument, is_true
from ..model import Confidence, Severity
from ..rule import Rule

_FEATURES = frozenset({"feature_external_ges", "feature_external_pes"})
_URIS = frozenset({"http://xml.org/sax/features/external-general-entities",
                   "http://xml.org/sax/features/external-parameter-entities"})


class SaxExternalEntities(Rule):
    id = "APX558"
    name = "sax-external-entities"
    category = "xml"
    cwe = 611
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    methods = frozenset({"setFeature"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        feature = argument(node, 0, "name")
        named = (isinstance(feature, ast.Attribute) and feature.attr in _FEATURES) or \
            (isinstance(feature, ast.Name) and feature.id in _FEATURES) or \
            (isinstance(feature, ast.Constant) and feature.value in _URIS)
        if named and is_true(argument(node, 1, "state")):
            ctx.report(self, node, "external entities enabled: documents can read local files "
                                   "(XXE)")
