"""A password passed positionally as a string literal to a login or auth API.

## What it does
Flags literal passwords given by position where the API is known:
`.login(user, "...")` (smtplib, imaplib, ftplib, poplib `pass_`, ...),
`requests.auth.HTTPBasicAuth(user, "...")`/`HTTPDigestAuth`, `httpx.BasicAuth`/
`DigestAuth`, `aiohttp.BasicAuth`, `ftplib.FTP(host, user, "...")`, and
`auth=("user", "...")` tuples. The same low-noise rules as APX500 apply:
empty strings and placeholders are not flagged.

## Why is this bad
The credential is in the source code, so it is in version control and every
copy of the program, and it cannot be changed without a release (CWE-259,
CWE-798).

## Example
```python
import smtplib
with smtplib.SMTP_SSL("mail.example.com") as server:
    server.login("alerts@example.com", "Tr0ub4dor&3")
```

## Use instead
```python
import os, smtplib
with smtplib.SMTP_SSL("mail.example.com") as server:
    server.login("alerts@example.com", os.environ["SMTP_PASSWORD"])
```

## References
- https://cwe.mitre.org/data/definitions/259.html
"""
import ast

from ..context import FileContext, argument
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import PASSWORD, looks_like_secret

#: callee -> position of the password argument
_APIS = {
    "requests.auth.HTTPBasicAuth": 1, "requests.auth.HTTPDigestAuth": 1,
    "requests.auth.HTTPProxyAuth": 1, "httpx.BasicAuth": 1, "httpx.DigestAuth": 1,
    "aiohttp.BasicAuth": 1, "aiohttp.helpers.BasicAuth": 1,
    "ftplib.FTP": 2, "ftplib.FTP_TLS": 2,
}
_METHODS = {"login": 1, "pass_": 0, "login_cram_md5": 1}


def _literal_password(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and looks_like_secret(node.value, PASSWORD)


class HardcodedPasswordPositional(Rule):
    id = "APX511"
    name = "hardcoded-password-positional"
    category = "secrets"
    cwe = 259
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B106",)
    calls = frozenset(_APIS)
    methods = frozenset(_METHODS)
    node_types = (ast.keyword,)
    keywords = frozenset({"auth"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        position = _APIS.get(ctx.qualname(node.func) or "")
        if position is None:
            position = _METHODS[node.func.attr]
            if position == 1 and len(node.args) < 2:
                return  # login(token) style APIs take no user/password pair
        if _literal_password(argument(node, position)):
            ctx.report(self, node, "hardcoded password; load it from the environment or a "
                                   "secret store")

    def check(self, node: ast.keyword, ctx: FileContext) -> None:
        if node.arg == "auth" and isinstance(node.value, ast.Tuple) and \
                len(node.value.elts) == 2 and _literal_password(node.value.elts[1]):
            ctx.report(self, node, "hardcoded password in auth=(user, password)")
