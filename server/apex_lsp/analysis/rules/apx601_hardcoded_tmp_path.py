"""A file created at a fixed path in a shared temporary directory.

## What it does
Flags literal paths under `/tmp/`, `/var/tmp/` or `/dev/shm/` passed to
functions that open or create files: `open`, `os.open`, `pathlib.Path`,
`os.mkdir`/`makedirs`, `shutil.copy*`/`move`, `sqlite3.connect`,
`logging.FileHandler`, `tarfile.open`, `zipfile.ZipFile`, and the `dir=`
argument of the `tempfile` functions.

## Why is this bad
Everyone can create files in these directories. Another local user can
pre-create the fixed name, or a symlink with that name pointing at a file the
program may write, and so read the data or make the program clobber other
files (CWE-377, CWE-379).

## Example
```python
with open("/tmp/report.csv", "w") as handle:
    handle.write(data)
```

## Use instead
```python
import tempfile
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
    handle.write(data)
```

## References
- https://cwe.mitre.org/data/definitions/377.html
"""
import ast

from ..context import FileContext, argument, keyword
from ..model import Confidence, Severity
from ..rule import Rule
from .apx458_credentials_over_http import url_prefix

_SHARED = ("/tmp/", "/var/tmp/", "/dev/shm/")
_PATH_FIRST = frozenset({
    "open", "builtins.open", "io.open", "os.open", "os.mkdir", "os.makedirs", "os.mkfifo",
    "pathlib.Path", "pathlib.PosixPath", "sqlite3.connect", "logging.FileHandler",
    "logging.handlers.RotatingFileHandler", "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.WatchedFileHandler", "tarfile.open", "zipfile.ZipFile", "shelve.open",
    "dbm.open", "logging.basicConfig"})
_DESTINATION = frozenset({"shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.move",
                          "shutil.copytree", "os.rename", "os.replace", "os.symlink"})
_TEMPFILE = frozenset(f"tempfile.{n}" for n in ("NamedTemporaryFile", "TemporaryFile",
                                                "SpooledTemporaryFile", "mkstemp", "mkdtemp",
                                                "TemporaryDirectory"))


class HardcodedTmpPath(Rule):
    id = "APX601"
    name = "hardcoded-tmp-path"
    category = "filesystem"
    cwe = 377
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "filesystem_write"
    bandit = ("B108",)
    calls = _PATH_FIRST | _DESTINATION | _TEMPFILE

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        qualname = ctx.qualname(node.func)
        if qualname in _TEMPFILE:
            path = keyword(node, "dir")
        elif qualname in _DESTINATION:
            path = argument(node, 1, "dst")
        elif qualname == "logging.basicConfig":
            path = keyword(node, "filename")
        else:
            path = argument(node, 0) or keyword(node, "file") or keyword(node, "filename")
        text = url_prefix(path)
        if text.startswith(_SHARED) or text.rstrip("/") in ("/tmp", "/var/tmp", "/dev/shm") \
                and qualname in _TEMPFILE:
            ctx.report(self, node, f"fixed path in a world-writable directory ({text[:40]}); "
                                   "use the tempfile module")
