"""Untrusted data is spliced into an XPath expression.

## What it does
Reports a path from untrusted input to lxml's `.xpath(...)` expression or
`etree.XPath`/`ETXPath`. Pass values as XPath variables instead
(`tree.xpath("//user[@name=$name]", name=value)`): keyword arguments are not
reported.

## Why is this bad
Quotes in the value change the query: the attacker selects nodes they should
not see or defeats a check (CWE-643).

## Example
```python
def user(request):
    return tree.xpath("//user[@name='" + request.GET["name"] + "']")
```

## Use instead
```python
def user(request):
    return tree.xpath("//user[@name=$name]", name=request.GET["name"])
```

## References
- https://cwe.mitre.org/data/definitions/643.html
"""
from ..taint.rulebase import TaintRule


class TaintXpathInjection(TaintRule):
    kind = "xpath"
    name = "taint-xpath-injection"
    cwe = 643
