"""The `random` module (or `uuid.uuid1`) used to make a token, password or key.

## What it does
Flags `random.random`, `randint`, `randrange`, `choice`, `choices`, `sample`,
`getrandbits`, `randbytes`, `shuffle` and `uuid.uuid1` when the statement
assigns the result to a secret-looking name (`token`, `password`,
`reset_code`, `api_key`, `nonce`, `salt`, `otp`, ...), or when a function
whose name says it makes one (`generate_token`, `make_password`) returns such a
call directly or joined from one (`return "".join(random.choice(...) for ...)`).
Other uses of `random` (simulations, jitter, sampling) are left alone on
purpose, which keeps the rule quiet; a secret built in one statement and
assigned in another is not seen.

## Why is this bad
`random` is a Mersenne Twister: after 624 outputs an observer can predict every
future value, so tokens made from it can be guessed (CWE-338). `uuid1` is the
host's MAC address plus a timestamp.

## Example
```python
import random, string
reset_token = "".join(random.choices(string.ascii_letters, k=32))
```

## Use instead
```python
import secrets
reset_token = secrets.token_urlsafe(32)
```

## References
- https://docs.python.org/3/library/secrets.html
- https://cwe.mitre.org/data/definitions/338.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import assigned_targets, secret_target, target_name

_FUNCTIONS = ("random", "randint", "randrange", "choice", "choices", "sample",
              "getrandbits", "randbytes", "shuffle", "uniform")
class InsecureRandomSecret(Rule):
    id = "APX406"
    name = "insecure-random-secret"
    category = "weak-crypto"
    cwe = 338
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B311",)
    calls = frozenset({*(f"random.{f}" for f in _FUNCTIONS), "uuid.uuid1"})
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        # The function's own top-level returns of a call (cheaper to find than the name test).
        returned = [s.value for s in node.body
                    if s.__class__ is ast.Return and s.value.__class__ is ast.Call]
        if not returned or not secret_target(node.name):
            return
        for value in returned:
            call = self._random_call(value, ctx)
            if call is not None:
                ctx.report(self, call, f"{ctx.qualname(call.func)}() is predictable and "
                                       f"must not make the result of {node.name}(); use "
                                       "the secrets module")

    def _random_call(self, value: ast.AST, ctx: FileContext) -> ast.Call | None:
        """``random.x(...)``, ``str(random.x(...))`` or ``"".join(<from random.x>)``."""
        if not isinstance(value, ast.Call):
            return None
        if ctx.qualname(value.func) in self.calls:
            return value
        if len(value.args) != 1:
            return None
        inner = value.args[0]
        if isinstance(inner, (ast.GeneratorExp, ast.ListComp)):
            inner = inner.elt
        if isinstance(inner, ast.Call) and ctx.qualname(inner.func) in self.calls:
            return inner
        return None

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        for target in assigned_targets(ctx.stmt):
            name = target_name(target)
            if secret_target(name):
                ctx.report(self, node, f"{ctx.qualname(node.func)}() is predictable and must "
                                       f"not make '{name}'; use the secrets module")
                return
