"""A file served from a path built from variables (path traversal).

## What it does
Flags `flask.send_file`, Starlette/FastAPI `FileResponse` and Django
`FileResponse(open(...))` when the path is built by joining or formatting
non-literal parts: `os.path.join(base, name)`, `base + name`, f-strings,
`.format()` or `Path(base) / name`.

## Why is this bad
If any part comes from the request, `../` sequences or an absolute path
escape the intended directory and serve any file the process can read,
including configuration and keys (CWE-22). `os.path.join` discards the base
entirely when the second part is absolute.

## Example
```python
from flask import send_file
@app.get("/files/<name>")
def download(name):
    return send_file(os.path.join(UPLOADS, name))
```

## Use instead
```python
from flask import send_from_directory
@app.get("/files/<name>")
def download(name):
    return send_from_directory(UPLOADS, name)  # rejects paths outside UPLOADS
```

## References
- https://flask.palletsprojects.com/en/stable/api/#flask.send_from_directory
- https://cwe.mitre.org/data/definitions/22.html
"""
import ast

from ..context import FileContext, argument, is_constant, is_string_building
from ..model import Confidence, Severity
from ..rule import Rule

_SENDERS = frozenset({"flask.send_file", "flask.helpers.send_file",
                      "starlette.responses.FileResponse", "fastapi.responses.FileResponse",
                      "django.http.FileResponse", "quart.send_file"})
_JOINS = frozenset({"os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath",
                    "os.path.abspath"})


def _built_path(node: ast.AST | None, ctx: FileContext, depth: int = 0) -> bool:
    if node is None or depth > 3 or is_constant(node):
        return False
    if is_string_building(node):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):  # Path(base) / name
        return not is_constant(node.right) or _built_path(node.left, ctx, depth + 1)
    if isinstance(node, ast.Call):
        qualname = ctx.qualname(node.func)
        if qualname in _JOINS:
            return any(not is_constant(a) for a in node.args[1:]) or (
                len(node.args) == 1 and _built_path(node.args[0], ctx, depth + 1))
        if qualname in ("open", "builtins.open", "io.open"):  # FileResponse(open(...))
            return _built_path(argument(node, 0, "file"), ctx, depth + 1)
    return False


class SendFileBuiltPath(Rule):
    id = "APX608"
    name = "send-file-path-traversal"
    category = "filesystem"
    cwe = 22
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "filesystem_read"
    calls = _SENDERS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        position_name = "path" if "starlette" in ctx.qualname(node.func) or \
            "fastapi" in ctx.qualname(node.func) else "path_or_file"
        if _built_path(argument(node, 0, position_name), ctx):
            ctx.report(self, node, "file path built from variables can escape the directory "
                                   "(../); use send_from_directory or check the resolved path")
