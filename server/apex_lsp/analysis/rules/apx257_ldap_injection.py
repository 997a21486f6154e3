"""LDAP search filter built from strings.

## What it does
Flags LDAP searches whose filter is built with an f-string, `%`, `+` or
`.format` and looks like an LDAP filter (`(attr=...)`): python-ldap's
`search`, `search_s`, `search_st`, `search_ext`, `search_ext_s` (filter in
the third argument or `filterstr=`) and ldap3's `Connection.search` (second
argument or `search_filter=`). Receivers are not resolved, so the filter's
shape is what makes the match.

## Why is this bad
Characters such as `*`, `(`, `)`, `\\` and NUL change the meaning of a filter.
A user name like `*)(uid=*))(|(uid=*` turns "this user" into "any user",
bypassing authentication or leaking the directory (CWE-90).

## Example
```python
conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={username})")
```

## Use instead
Escape every value:
```python
from ldap.filter import escape_filter_chars   # ldap3: ldap3.utils.conv.escape_filter_chars
conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(username)})")
```
or `ldap.filter.filter_format("(uid=%s)", [username])`.

## References
- https://www.python-ldap.org/en/latest/reference/ldap-filter.html
- https://cwe.mitre.org/data/definitions/90.html
"""
import ast
import re

from ..context import FileContext, argument, is_string_building, string_parts
from ..model import Confidence, Severity
from ..rule import Rule

_FILTER = re.compile(r"\(\s*[A-Za-z][\w.;-]*\s*[~<>]?=")
_ESCAPERS = frozenset({"escape_filter_chars", "filter_format", "escape_rdn", "escape_dn_chars"})


class LdapInjection(Rule):
    id = "APX257"
    name = "ldap-filter-built-from-strings"
    category = "ldap-injection"
    cwe = 90
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    methods = frozenset({"search", "search_s", "search_st", "search_ext", "search_ext_s"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        candidates = (argument(node, 2, "filterstr"), argument(node, 1, "search_filter"))
        for candidate in candidates:
            if candidate is None or not is_string_building(candidate):
                continue
            if _escaped(candidate):
                continue
            if _FILTER.search(string_parts(candidate)):
                ctx.report(self, node, "LDAP filter built from strings; escape values with "
                                       "escape_filter_chars")
                return


def _escaped(node: ast.AST) -> bool:
    """Every interpolated part of an f-string is an escaping call (a shallow check)."""
    if not isinstance(node, ast.JoinedStr):
        return False
    values = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    return bool(values) and all(
        isinstance(v, ast.Call) and
        (getattr(v.func, "attr", None) or getattr(v.func, "id", None)) in _ESCAPERS
        for v in values)
