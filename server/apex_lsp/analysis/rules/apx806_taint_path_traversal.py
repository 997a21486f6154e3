"""Untrusted data is used as a file system path (path traversal).

## What it does
Reports a path from untrusted input to `open` (also through
`os.path.join`), `send_file`, `FileResponse`, `os.remove`/`unlink`/`rename`,
`shutil` copies and moves, or `Path(...).read_text()`-style methods.
`os.path.basename`, `werkzeug.utils.secure_filename`, `safe_join` and
allow-list membership checks clear it.

## Why is this bad
`../` sequences or absolute paths let the client read or overwrite any file
the server can (CWE-22).

## Example
```python
@app.route("/files/<name>")
def download(name):
    return send_file(os.path.join(UPLOADS, name))
```

## Use instead
```python
from werkzeug.utils import secure_filename

@app.route("/files/<name>")
def download(name):
    return send_file(os.path.join(UPLOADS, secure_filename(name)))
```

## References
- https://cwe.mitre.org/data/definitions/22.html
"""
from ..taint.rulebase import TaintRule


class TaintPathTraversal(TaintRule):
    kind = "path"
    name = "taint-path-traversal"
    cwe = 22
    capability = "filesystem_read"
