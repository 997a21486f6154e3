"""A zip archive extracted whole without looking at its members.

## What it does
Flags `extractall()` on a `zipfile.ZipFile(...)` (or a receiver whose name
mentions "zip", such as `zip_file`) without an explicit `members=` list.

## Why is this bad
`zipfile` strips `..` and absolute paths, but it checks nothing else: a small
archive can expand to terabytes (a zip bomb) and fill the disk, or hold
thousands of entries, and existing files with the same names are overwritten
(CWE-409). Check `infolist()` (count, `file_size`, names) before extracting
archives from users.

## Example
```python
import zipfile
with zipfile.ZipFile(upload) as zip_file:
    zip_file.extractall(destination)
```

## Use instead
```python
import zipfile
with zipfile.ZipFile(upload) as zip_file:
    members = zip_file.infolist()
    if len(members) > 1000 or sum(m.file_size for m in members) > 100 * 2**20:
        raise ValueError("archive too large")
    zip_file.extractall(destination, members=members)
```

## References
- https://docs.python.org/3/library/zipfile.html#decompression-pitfalls
"""
import ast

from ..context import FileContext, keyword
from ..model import Confidence, Severity
from ..rule import Rule
from .apx605_tarfile_unfiltered_extract import archive_kind


class ZipfileExtractall(Rule):
    id = "APX606"
    name = "zipfile-extractall-unchecked"
    category = "filesystem"
    cwe = 409
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    capability = "filesystem_write"
    bandit = ("B202",)
    methods = frozenset({"extractall"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if keyword(node, "members") is not None or len(node.args) >= 2:
            return
        if archive_kind(node.func.value, ctx) == "zip":
            ctx.report(self, node, "zip extractall() without checking members: size and count "
                                   "are unbounded (zip bomb)")
