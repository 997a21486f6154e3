"""Django sessions or cache configured with pickle.

## What it does
Flags `SESSION_SERIALIZER` set to Django's `PickleSerializer` (or any class
named `PickleSerializer`). Django removed it in 5.0; it survives in older
projects and in settings copied from them.

## Why is this bad
With the pickle serializer, session data is unpickled on every request. With
cookie-based sessions the client holds that data, so anyone who learns
`SECRET_KEY` (a leaked settings file, a debug page) can sign a malicious
pickle and run code on the server (CWE-502).

## Example
```python
SESSION_SERIALIZER = "django.contrib.sessions.serializers.PickleSerializer"
```

## Use instead
```python
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
```

## References
- https://docs.djangoproject.com/en/4.2/topics/http/sessions/#session-serialization
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, assigned_settings, literal
from ..model import Confidence, Severity
from ..rule import Rule


class DjangoPickleSessions(Rule):
    id = "APX216"
    name = "django-pickle-session-serializer"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "deserialization"
    node_types = (ast.Assign, ast.AnnAssign)
    settings = frozenset({"SESSION_SERIALIZER"})

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        for key, value, _ in assigned_settings(node):
            if key != "SESSION_SERIALIZER":
                continue
            serializer = literal(value, None)
            if isinstance(serializer, str) and serializer.rpartition(".")[2] == "PickleSerializer":
                ctx.report(self, node, "session data is unpickled on every request; use the "
                                       "JSONSerializer")
