"""`shutil.unpack_archive` without an extraction filter.

## What it does
Flags `shutil.unpack_archive(...)` called without `filter=` (Python 3.12+,
backported to security releases of 3.8-3.11).

## Why is this bad
For tar formats `unpack_archive` uses `tarfile` without a filter, so members
named `../x`, absolute paths and links pointing outside the destination are
written where the archive says (CWE-22). The fix adds `filter="data"`.

## Example
```python
import shutil
shutil.unpack_archive(upload_path, destination)
```

## Use instead
```python
import shutil
shutil.unpack_archive(upload_path, destination, filter="data")
```

## References
- https://docs.python.org/3/library/shutil.html#shutil.unpack_archive
"""
import ast

from ..context import FileContext, keyword
from ..model import Confidence, Severity
from ..rule import Rule
from ._fixes import add_keyword


class UnpackArchive(Rule):
    id = "APX607"
    name = "unpack-archive-unfiltered"
    category = "filesystem"
    cwe = 22
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "filesystem_write"
    bandit = ("B202",)
    calls = frozenset({"shutil.unpack_archive"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if keyword(node, "filter") is None and len(node.args) < 4 and \
                not any(k.arg is None for k in node.keywords):
            fix = add_keyword(ctx, node, 'filter="data"',
                              'Add filter="data" (Python 3.12+, 3.8.17+)')
            ctx.report(self, node, "unpack_archive() without filter= can write outside the "
                                   "destination; pass filter='data'", fix=fix)
