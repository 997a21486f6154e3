"""Plain FTP, which sends the password and the files in clear text.

## What it does
Flags `ftplib.FTP(...)` (but not `ftplib.FTP_TLS`).

## Why is this bad
FTP sends the login, the password and the data unencrypted, so anyone on the
network path can read or change them (CWE-319).

## Example
```python
import ftplib
ftp = ftplib.FTP(host, user, password)
```

## Use instead
```python
import ftplib
ftp = ftplib.FTP_TLS(host, user, password)
ftp.prot_p()  # encrypt the data channel too
```
or SFTP (`paramiko.SFTPClient`).

## References
- https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule


class FtpCleartext(Rule):
    id = "APX457"
    name = "ftp-cleartext"
    category = "cleartext-protocol"
    cwe = 319
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    capability = "network"
    bandit = ("B321", "B402")
    calls = frozenset({"ftplib.FTP"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        ctx.report(self, node, "FTP sends credentials and data in clear text; use "
                               "ftplib.FTP_TLS with prot_p() or SFTP")
