"""Django ORM lookups taken wholesale from the request.

## What it does
Flags `filter`, `exclude`, `get`, `get_or_create`, `update_or_create`,
`order_by` and `values` called with request data expanded into their
arguments: `filter(**request.GET.dict())`, `filter(**request.data)`,
`order_by(*request.GET.getlist("sort"))`, or `order_by(request.GET["sort"])`.

## Why is this bad
The user picks the *lookups*, not just the values. `?password__startswith=a`
or `?user__password__regex=^pbkdf2` lets them test secrets one character at
a time through relations the page never shows; `order_by` on an arbitrary
field leaks the same information through the ordering (CWE-943). Django's
2022 `_connector` and `QuerySet.values()` advisories were of this kind.

## Example
```python
orders = Order.objects.filter(**request.GET.dict())
```

## Use instead
Map allowed parameters to lookups explicitly:
```python
FILTERS = {"status": "status", "customer": "customer__name__iexact"}
lookups = {FILTERS[k]: v for k, v in request.GET.items() if k in FILTERS}
orders = Order.objects.filter(**lookups)
```

## References
- https://www.djangoproject.com/weblog/2022/jul/04/security-releases/
- https://cwe.mitre.org/data/definitions/943.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from .apx313_open_redirect import from_request

_FIELD_ARGUMENTS = frozenset({"order_by", "values", "values_list"})


class DjangoFilterFromRequest(Rule):
    id = "APX260"
    name = "orm-lookups-from-request"
    category = "sql-injection"
    cwe = 943
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    methods = frozenset({"filter", "exclude", "get", "get_or_create", "update_or_create",
                         "order_by", "values", "values_list"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if any(kw.arg is None and from_request(kw.value) for kw in node.keywords):
            ctx.report(self, node, f"{method}(**...) with lookups chosen by the request")
            return
        for arg in node.args:
            expanded = isinstance(arg, ast.Starred)
            value = arg.value if expanded else arg
            if (expanded or method in _FIELD_ARGUMENTS) and from_request(value):
                ctx.report(self, node, f"{method}() with field names chosen by the request")
                return
