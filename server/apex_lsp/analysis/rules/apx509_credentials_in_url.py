"""A connection string or URL with a password in it.

## What it does
Flags string literals holding a URL with a password in its user-info part
(`postgresql://app:Pr0d-pass@db/app`, `amqp://user:s3cret!@mq:5672//`,
`https://user:token123@host/`) and key=value connection strings with a
password (`"host=db user=app password=Pr0d-pass"`,
`"Server=db;Uid=app;Pwd=Pr0d-pass;"`). Placeholders (`{password}`, `${DB_PASS}`,
`changeme`), lower-case words (`postgres://postgres:postgres@localhost`)
and URLs in docstrings are not flagged.

## Why is this bad
Connection strings are copied into logs, error messages and configuration
dumps together with the password they carry, and committed with the code
(CWE-798, CWE-522).

## Example
```python
engine = create_engine("postgresql://app:Tr0ub4dor&3@db.internal/app")
```

## Use instead
```python
import os
engine = create_engine(os.environ["DATABASE_URL"])
```

## References
- https://cwe.mitre.org/data/definitions/798.html
"""
import ast
import re

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import PASSWORD, looks_like_secret

_URL_PASSWORD = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,30}://[^\s/:@]+:([^\s/@]+)@[^\s/@]+")
#: libpq / ODBC / ADO.NET style: a password key next to a host, server, user or database key.
_DSN_PASSWORD = re.compile(r"(?i)(?:^|[\s;])(?:password|pwd|passwd)\s*=\s*([^\s;'\"]+)")
_DSN_OTHER_KEY = re.compile(r"(?i)(?:^|[\s;])(?:host|hostaddr|server|user|uid|user id|dbname"
                            r"|database|data source|driver)\s*=")


class CredentialsInUrl(Rule):
    id = "APX509"
    name = "credentials-in-connection-string"
    category = "secrets"
    cwe = 798
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    node_types = (ast.Constant,)
    constants = (str,)

    def check(self, node: ast.Constant, ctx: FileContext) -> None:
        value = node.value
        if value.__class__ is not str:
            return
        url = "://" in value and "@" in value
        if not url and "=" not in value:
            return
        if isinstance(ctx.stmt, ast.Expr) and ctx.stmt.value is node:
            return  # a docstring: documentation shows example URLs
        match = _URL_PASSWORD.search(value) if url else None
        if match is None and len(value) < 400:
            match = _DSN_PASSWORD.search(value)
            if match and not _DSN_OTHER_KEY.search(value):
                match = None
        if match and looks_like_secret(match.group(1), PASSWORD):
            ctx.report(self, node, "connection string with a hardcoded password; build it from "
                                   "the environment or a secret store")
