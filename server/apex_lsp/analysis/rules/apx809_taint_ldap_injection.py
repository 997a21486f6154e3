"""Untrusted data is spliced into an LDAP search filter.

## What it does
Reports a path from untrusted input to the filter of python-ldap's
`search_s`/`search_st`/`search_ext(_s)` or ldap3's `Connection.search` (on
receivers named like a connection). `ldap.filter.escape_filter_chars` clears
it.

## Why is this bad
`*`, `(`, `)` and `|` in the value rewrite the filter: the attacker lists
other users' entries or bypasses an authentication check (CWE-90).

## Example
```python
def lookup(request):
    conn.search_s(BASE, ldap.SCOPE_SUBTREE, "(uid=" + request.GET["user"] + ")")
```

## Use instead
```python
from ldap.filter import escape_filter_chars

def lookup(request):
    user = escape_filter_chars(request.GET["user"])
    conn.search_s(BASE, ldap.SCOPE_SUBTREE, "(uid=" + user + ")")
```

## References
- https://cwe.mitre.org/data/definitions/90.html
"""
from ..taint.rulebase import TaintRule


class TaintLdapInjection(TaintRule):
    kind = "ldap"
    name = "taint-ldap-injection"
    cwe = 90
    capability = "network"
