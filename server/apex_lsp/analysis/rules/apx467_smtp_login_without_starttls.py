"""Mail login (SMTP, IMAP) on a plain connection without STARTTLS first.

## What it does
Flags `with smtplib.SMTP(...) as server:` and `with imaplib.IMAP4(...) as
imap:` blocks whose statements log in (`login`, `authenticate`) without
calling `starttls()` before. The `_SSL` classes
are encrypted from the start and are not flagged. Only the `with` form is
checked, because there both calls are in view.

## Why is this bad
Without STARTTLS the user name and password (AUTH PLAIN/LOGIN is just base64)
and every message go over the network in clear text (CWE-319).

## Example
```python
import smtplib
with smtplib.SMTP("mail.example.com", 587) as server:
    server.login(user, password)
    server.send_message(message)
```

## Use instead
```python
import smtplib, ssl
with smtplib.SMTP("mail.example.com", 587) as server:
    server.starttls(context=ssl.create_default_context())
    server.login(user, password)
    server.send_message(message)
```

## References
- https://docs.python.org/3/library/smtplib.html#smtplib.SMTP.starttls
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule


def _method_call(statement: ast.stmt, receiver: str) -> str | None:
    value = getattr(statement, "value", None)
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
            isinstance(value.func.value, ast.Name) and value.func.value.id == receiver:
        return value.func.attr
    return None


class SmtpLoginWithoutStarttls(Rule):
    id = "APX467"
    name = "mail-login-without-starttls"
    category = "cleartext-protocol"
    cwe = 319
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "network"
    calls = frozenset({"smtplib.SMTP", "smtplib.LMTP", "imaplib.IMAP4"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        stmt = ctx.stmt
        if not isinstance(stmt, (ast.With, ast.AsyncWith)):
            return
        receiver = next((item.optional_vars.id for item in stmt.items
                         if item.context_expr is node and isinstance(item.optional_vars, ast.Name)),
                        None)
        if receiver is None:
            return
        for statement in stmt.body:
            method = _method_call(statement, receiver)
            if method == "starttls":
                return
            if method in ("login", "authenticate"):
                ctx.report(self, statement, f"{method}() before starttls(): the password is "
                                            "sent in clear text")
                return
