"""XPath expression built from strings.

## What it does
Flags lxml `xpath(...)` calls on any element, tree or selector,
`lxml.etree.XPath(...)` and `lxml.etree.ETXPath(...)`, and ElementTree's
`find`/`findall`/`iterfind`/`findtext` with a predicate (`[@attr=...]`, `[tag=...]`), when
the expression is built with an f-string, `%`, `+` or `.format`.

## Why is this bad
A quote in the value ends the XPath string literal, and the rest becomes part
of the expression: `' or '1'='1` selects every node, which bypasses lookups
used for authentication or leaks the whole document (CWE-643).

## Example
```python
user = tree.xpath(f"//user[@name='{name}' and @password='{password}']")
```

## Use instead
Use XPath variables, which lxml binds safely:
```python
user = tree.xpath("//user[@name=$name and @password=$password]",
                  name=name, password=password)
```

## References
- https://lxml.de/xpathxslt.html#the-xpath-method
- https://cwe.mitre.org/data/definitions/643.html
"""
import ast
import re

from ..context import FileContext, argument, is_string_building, string_parts
from ..model import Confidence, Severity
from ..rule import Rule

_PREDICATE = re.compile(r"\[\s*(?:@|[\w.-]+\s*=)")
_ELEMENTPATH_METHODS = frozenset({"find", "findall", "iterfind", "findtext"})


class XpathInjection(Rule):
    id = "APX258"
    name = "xpath-built-from-strings"
    category = "xpath-injection"
    cwe = 643
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    calls = frozenset({"lxml.etree.XPath", "lxml.etree.ETXPath"})
    methods = frozenset({"xpath"}) | _ELEMENTPATH_METHODS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        expression = argument(node, 0, "path") or argument(node, 0, "_path")
        if not is_string_building(expression):
            return
        method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if method in _ELEMENTPATH_METHODS and ctx.qualname(node.func) not in self.calls:
            if not _PREDICATE.search(string_parts(expression)):
                return  # str.find(...) and friends: only a predicate makes it a path
        ctx.report(self, node, "XPath expression built from strings; pass values as XPath "
                               "variables ($name)")
