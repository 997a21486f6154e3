"""A tar archive extracted without an extraction filter.

## What it does
Flags `extractall()` and `extract()` on a tar archive without `filter=`
(Python 3.12+, backported to 3.8.17+) and without an explicit `members=`
selection. The archive is recognised when the receiver is a
`tarfile.open(...)`/`TarFile(...)` call or a name with the word "tar"
(`tar`, `tar_file`, `tarball`, `self.tf`; not `start`). An explicit
`filter="fully_trusted"` is flagged too.; `extractall()` on an unknown receiver that is not
obviously a zip file is flagged with low confidence.

## Why is this bad
Tar members can be named `../../etc/cron.d/x` or `/home/user/.bashrc`, or be
symlinks and hard links pointing outside the target directory; without a
filter, extraction writes wherever the archive says (CVE-2007-4559,
CWE-22). Python 3.14 makes `filter="data"` the default; earlier versions do
not filter at all. When the receiver is known to be a tar archive the finding
carries a fix that adds `filter="data"`, which rejects such members (it needs
Python 3.12, or a security release from 3.8.17 on).

## Example
```python
import tarfile
with tarfile.open(upload) as tar:
    tar.extractall(destination)
```

## Use instead
```python
import tarfile
with tarfile.open(upload) as tar:
    tar.extractall(destination, filter="data")
```

## References
- https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter
- https://peps.python.org/pep-0706/
"""
import ast

from ..context import FileContext, keyword
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import words
from ._fixes import add_keyword

_OPENERS = frozenset({"tarfile.open", "tarfile.TarFile", "tarfile.TarFile.open",
                      "tarfile.TarFile.gzopen", "tarfile.TarFile.bz2open",
                      "tarfile.TarFile.xzopen"})
_ZIP_OPENERS = frozenset({"zipfile.ZipFile", "zipfile.PyZipFile", "py7zr.SevenZipFile",
                          "rarfile.RarFile"})
_ZIP_NAMES = frozenset({"zf", "z", "zfile", "7z", "rar", "rarfile", "sevenzip"})
#: Words of a receiver's name that say "tar archive" (tar, tar_file, tarball, self.tf).
_TAR_NAMES = frozenset({"tar", "tarfile", "tarball", "tgz", "tf", "tarf", "targz", "tarobj"})


def archive_kind(receiver: ast.AST, ctx: FileContext) -> str | None:
    """``"tar"``, ``"zip"`` or None (unknown) for the object ``extract*`` is called on."""
    if isinstance(receiver, ast.Call):
        qualname = ctx.qualname(receiver.func) or ""
        if qualname in _OPENERS:
            return "tar"
        if qualname in _ZIP_OPENERS:
            return "zip"
        return None
    name = receiver.id if isinstance(receiver, ast.Name) else \
        receiver.attr if isinstance(receiver, ast.Attribute) else ""
    parts = words(name)
    if any("zip" in w or w in _ZIP_NAMES for w in parts):
        return "zip"
    if any(w in _TAR_NAMES for w in parts):
        return "tar"
    return None


class TarfileUnfilteredExtract(Rule):
    id = "APX605"
    name = "tarfile-unfiltered-extract"
    category = "filesystem"
    cwe = 22
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "filesystem_write"
    bandit = ("B202",)
    methods = frozenset({"extractall", "extract"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        chosen = keyword(node, "filter")
        if chosen is not None:
            if (isinstance(chosen, ast.Constant) and chosen.value == "fully_trusted") or \
                    ctx.qualname(chosen) == "tarfile.fully_trusted_filter":
                ctx.report(self, node, "filter='fully_trusted' turns the extraction checks off; "
                                       "use filter='data'")
            return
        if any(k.arg is None for k in node.keywords):
            return
        kind = archive_kind(node.func.value, ctx)
        if kind == "zip":
            return
        method = node.func.attr
        if method == "extractall":
            if keyword(node, "members") is not None or len(node.args) >= 2:
                return  # members chosen explicitly: assume they were checked
            if kind is None:
                if keyword(node, "pwd") is not None:
                    return  # a zip password
                ctx.report(self, node, "extractall() without filter=; if this is a tar archive, "
                                       "pass filter='data'", confidence=Confidence.LOW)
                return
        elif kind is None:
            return
        fix = add_keyword(ctx, node, 'filter="data"', 'Add filter="data" (Python 3.12+, 3.8.17+)')
        ctx.report(self, node, f"tar {method}() without filter= can write outside the target "
                               "directory; pass filter='data'", fix=fix)
