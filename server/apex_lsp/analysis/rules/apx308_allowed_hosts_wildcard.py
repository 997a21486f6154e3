"""Django `ALLOWED_HOSTS` accepts any host.

## What it does
Flags assignments (or `+=`) of a list or tuple containing `"*"` to
`ALLOWED_HOSTS`.

## Why is this bad
`ALLOWED_HOSTS` is Django's defence against forged `Host` headers. With `*`
the application trusts whatever host the client names, so absolute URLs it
builds (password-reset links, redirects, cache keys) can point to the
attacker's domain: password-reset poisoning and cache poisoning (CWE-20).

## Example
```python
ALLOWED_HOSTS = ["*"]
```

## Use instead
```python
ALLOWED_HOSTS = ["example.com", ".example.com"]
# or from the environment
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
```

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts
- https://cwe.mitre.org/data/definitions/20.html
"""
import ast

from ..context import FileContext, assigned_settings, literal
from ..model import Confidence, Severity
from ..rule import Rule


class AllowedHostsWildcard(Rule):
    id = "APX308"
    name = "django-allowed-hosts-wildcard"
    category = "web-configuration"
    cwe = 20
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    node_types = (ast.Assign, ast.AnnAssign, ast.AugAssign)
    settings = frozenset({"ALLOWED_HOSTS"})

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        for key, value, _ in assigned_settings(node):
            if key != "ALLOWED_HOSTS" or not isinstance(value, (ast.List, ast.Tuple)):
                continue
            if any(literal(element, None) == "*" for element in value.elts):
                ctx.report(self, node, "ALLOWED_HOSTS contains '*': any Host header is trusted")
