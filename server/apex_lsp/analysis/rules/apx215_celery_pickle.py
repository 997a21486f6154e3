"""Celery / Kombu configured to accept pickle messages.

## What it does
Flags Celery settings that let workers or clients deserialize pickle:
`accept_content`, `CELERY_ACCEPT_CONTENT`, `result_accept_content` containing
`"pickle"` (or `"application/x-python-serialize"`), and `task_serializer`,
`result_serializer`, `CELERY_TASK_SERIALIZER`, `CELERY_RESULT_SERIALIZER`
set to `"pickle"`, whether assigned as module settings, as `app.conf.x = ...`
attributes, or passed to `app.conf.update(...)`.

## Why is this bad
Workers unpickle every message they accept. Anyone who can publish to the
broker (a shared Redis without a password, a leaked AMQP URL, another
compromised service) runs code on every worker (CWE-502). Celery switched
its default to JSON in 4.0 for this reason.

## Example
```python
app.conf.update(accept_content=["pickle", "json"], task_serializer="pickle")
```

## Use instead
```python
app.conf.update(accept_content=["json"], task_serializer="json")
```

## References
- https://docs.celeryq.dev/en/stable/userguide/security.html#serializers
- https://cwe.mitre.org/data/definitions/502.html
"""
import ast

from ..context import FileContext, assigned_settings, literal
from ..model import Confidence, Severity
from ..rule import Rule

_PICKLE = frozenset({"pickle", "application/x-python-serialize"})
_ACCEPT = frozenset({"accept_content", "result_accept_content", "CELERY_ACCEPT_CONTENT",
                     "CELERY_RESULT_ACCEPT_CONTENT"})
_SERIALIZER = frozenset({"task_serializer", "result_serializer", "event_serializer",
                         "CELERY_TASK_SERIALIZER", "CELERY_RESULT_SERIALIZER",
                         "CELERY_EVENT_SERIALIZER"})


def _uses_pickle(key: str, value: ast.expr) -> bool:
    # The key first: evaluating every assigned value as a literal was this rule's whole cost.
    if key not in _ACCEPT and key not in _SERIALIZER:
        return False
    data = literal(value, None)
    if key in _ACCEPT:
        return isinstance(data, (list, tuple, set)) and bool(_PICKLE.intersection(
            d for d in data if isinstance(d, str)))
    return key in _SERIALIZER and data in _PICKLE


class CeleryPickle(Rule):
    id = "APX215"
    name = "celery-accepts-pickle"
    category = "deserialization"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    capability = "deserialization"
    node_types = (ast.Assign, ast.AnnAssign)
    settings = _ACCEPT | _SERIALIZER
    methods = frozenset({"update"})

    def check(self, node: ast.AST, ctx: FileContext) -> None:
        for key, value, _ in assigned_settings(node):
            if _uses_pickle(key, value):
                ctx.report(self, node, f"{key} lets Celery unpickle broker messages")

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "update"
                and isinstance(func.value, ast.Attribute) and func.value.attr == "conf"):
            return  # only app.conf.update(...)
        for kw in node.keywords:
            if kw.arg and _uses_pickle(kw.arg, kw.value):
                ctx.report(self, node, f"{kw.arg} lets Celery unpickle broker messages")
                return
