"""The whole process environment printed, logged or returned.

## What it does
Flags `os.environ` (or `dict(os.environ)`, `os.environ.copy()`,
`os.environ.items()`, `{**os.environ}`, `str(os.environ)`) passed whole to
`print`, `pprint`, `json.dumps`/`json.dump`, logging calls,
`jsonify`/`JsonResponse`/`JSONResponse`, or `.write(...)`.

## Why is this bad
Environment variables are where credentials live: database passwords, cloud
keys, API tokens. Dumping all of them into logs, debug pages or API responses
discloses every secret at once (CWE-526, CWE-200).

## Example
```python
import logging, os
logging.debug("environment: %s", dict(os.environ))
```

## Use instead
```python
import logging, os
logging.debug("environment keys: %s", sorted(os.environ))
```

## References
- https://cwe.mitre.org/data/definitions/526.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule

_SINKS = frozenset({"print", "pprint.pprint", "pprint.pp", "pprint.pformat", "json.dumps",
                    "json.dump", "flask.jsonify", "django.http.JsonResponse",
                    "starlette.responses.JSONResponse", "fastapi.responses.JSONResponse"})
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception",
                          "critical", "fatal", "log", "write"})
_ENVIRON = frozenset({"os.environ", "os.environb"})
#: calls that keep every value: dict(env), str(env), env.copy(), list(env.items()) ...
_WRAPPERS = frozenset({"dict", "str", "repr", "list", "tuple"})
_METHODS = frozenset({"copy", "items", "values"})


def whole_environment(node: ast.AST, ctx: FileContext, depth: int = 0) -> bool:
    if depth > 4:
        return False
    if isinstance(node, (ast.Attribute, ast.Name)):
        return ctx.qualname(node) in _ENVIRON
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in _WRAPPERS and len(node.args) == 1:
            inner = node.args[0]
            if func.id in ("list", "tuple") and not isinstance(inner, ast.Call):
                return False  # list(os.environ) is the names only
            return whole_environment(inner, ctx, depth + 1)
        if isinstance(func, ast.Attribute) and func.attr in _METHODS and not node.args:
            return whole_environment(func.value, ctx, depth + 1)
        return False
    if isinstance(node, ast.Dict):
        return any(key is None and whole_environment(value, ctx, depth + 1)
                   for key, value in zip(node.keys, node.values))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) and
                   whole_environment(v.value, ctx, depth + 1) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return whole_environment(node.right, ctx, depth + 1) or \
            whole_environment(node.left, ctx, depth + 1)
    if isinstance(node, ast.Tuple):
        return any(whole_environment(e, ctx, depth + 1) for e in node.elts)
    return False


class EnvironmentDump(Rule):
    id = "APX656"
    name = "environment-dump"
    category = "information-exposure"
    cwe = 526
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    capability = "environment"
    calls = _SINKS
    methods = _LOG_METHODS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr in _LOG_METHODS and \
                ctx.qualname(node.func) not in _SINKS:
            receiver = ctx.qualname(node.func.value) or ""
            if not ("log" in receiver.lower() or receiver in ("sys.stdout", "sys.stderr")
                    or node.func.attr == "write"):
                return
        values = [*node.args, *(k.value for k in node.keywords)]
        if any(whole_environment(value, ctx) for value in values):
            ctx.report(self, node, "the whole environment (and every secret in it) is "
                                   "printed, logged or returned")
