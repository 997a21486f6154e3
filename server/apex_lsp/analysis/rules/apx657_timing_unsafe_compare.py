"""A signature, MAC or token compared with `==`.

## What it does
Flags `==`/`!=` comparisons where one side is an HMAC digest
(`hmac.new(...).hexdigest()`, `hmac.digest(...)`) or a value named like a
secret, HMAC, OTP or a qualified token (`csrf_token`, `api_key`,
`reset_token`, ...), or a signature or MAC in a verification context
(`expected_signature`, `calculated_mac`, `headers["X-Signature"]`), and the
other side is not a constant. Plain `token` and `sig` are left alone because lexers and signal
handlers use those words; so are comparisons of two attributes with the same
name (`self.signature == other.signature` in an `__eq__`) and comparisons with
upper-case constants.

## Why is this bad
`==` on strings and bytes returns at the first differing byte, so the time it
takes reveals how much of a guess was right; an attacker can recover a valid
MAC or token byte by byte (CWE-208).

## Example
```python
import hmac, hashlib
expected = hmac.new(key, body, hashlib.sha256).hexdigest()
if expected == request.headers["X-Signature"]:
    accept(body)
```

## Use instead
```python
import hmac, hashlib
expected = hmac.new(key, body, hashlib.sha256).hexdigest()
if hmac.compare_digest(expected, request.headers["X-Signature"]):
    accept(body)
```

## References
- https://docs.python.org/3/library/hmac.html#hmac.compare_digest
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import expression_name, words

#: Always secret. ("digest" is left out: content digests such as image_digest are not.)
_SECRET_LAST = frozenset({"hmac", "secret", "apikey", "otp"})
#: Secret only in a verification context: "signature" is also inspect.Signature, "mac" a
#: MAC address. The context is a qualifier on either side or a value read from a request.
_CONTEXT_LAST = frozenset({"signature", "mac"})
_CONTEXT_WORDS = frozenset({"expected", "calculated", "computed", "provided", "given",
                            "received", "request", "hmac", "webhook", "original", "header",
                            "headers", "stored", "sent", "regenerated", "generated", "actual",
                            "x"})
_TOKEN_QUALIFIERS = frozenset({"csrf", "xsrf", "auth", "access", "session", "reset", "api",
                               "bearer", "refresh", "verification", "secret", "confirm",
                               "confirmation", "invite", "magic", "expected", "provided",
                               "given", "stored"})


def _verification_context(left: ast.AST, right: ast.AST) -> bool:
    for side in (left, right):
        if isinstance(side, ast.Subscript):
            return True  # headers["X-Signature"], request.form["mac"]
        if _CONTEXT_WORDS.intersection(words(expression_name(side) or "")):
            return True
    return False


def _secret_name(name: str | None) -> bool:
    parts = words(name or "")
    if not parts:
        return False
    last = parts[-1]
    if last in _SECRET_LAST:
        return True
    if len(parts) >= 2 and last == "token" and parts[-2] in _TOKEN_QUALIFIERS:
        return True
    return len(parts) >= 2 and last == "key" and parts[-2] == "api"


def _digest_call(node: ast.AST, ctx: FileContext) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in ("hexdigest", "digest") and \
            isinstance(func.value, ast.Call):
        return (ctx.qualname(func.value.func) or "").startswith("hmac.")
    return ctx.qualname(func) == "hmac.digest"


class TimingUnsafeCompare(Rule):
    id = "APX657"
    name = "timing-unsafe-compare"
    category = "weak-crypto"
    cwe = 208
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    node_types = (ast.Compare,)

    def check(self, node: ast.Compare, ctx: FileContext) -> None:
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        if isinstance(left, ast.Constant) or isinstance(right, ast.Constant):
            return
        left_name, right_name = expression_name(left), expression_name(right)
        if left_name == right_name or (right_name or "").isupper() or (left_name or "").isupper():
            return  # self.signature == other.signature (an __eq__), or a protocol constant
        for side in (left, right):
            if self._secret(side, left, right, ctx):
                ctx.report(self, node, "comparing secrets with == leaks timing; use "
                                       "hmac.compare_digest")
                return

    @staticmethod
    def _secret(side: ast.AST, left: ast.AST, right: ast.AST, ctx: FileContext) -> bool:
        name = expression_name(side)
        if _digest_call(side, ctx) or _secret_name(name):
            return True
        parts = words(name or "")
        return bool(parts) and parts[-1] in _CONTEXT_LAST and _verification_context(left, right)
