"""A broad `except` whose body is only `continue`.

## What it does
Flags `except:`, `except Exception:` and `except BaseException:` handlers
whose whole body is `continue`.

## Why is this bad
Inside a loop this skips every failing item without a trace: records that
failed validation, files that could not be checked, hosts whose certificate
did not verify. Failures that should stop the processing, or at least be
seen, vanish (CWE-703, CWE-390).

## Example
```python
for item in batch:
    try:
        check_signature(item)
    except Exception:
        continue
    apply(item)
```

## Use instead
```python
import logging
for item in batch:
    try:
        check_signature(item)
    except InvalidSignature:
        logging.warning("skipping %s: bad signature", item.id)
        continue
    apply(item)
```

## References
- https://cwe.mitre.org/data/definitions/390.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from .apx652_try_except_pass import broad_handler, only


class TryExceptContinue(Rule):
    id = "APX653"
    name = "try-except-continue"
    category = "error-handling"
    cwe = 703
    severity = Severity.LOW
    confidence = Confidence.HIGH
    bandit = ("B112",)
    node_types = (ast.ExceptHandler,)

    def check(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        if only(node, ast.Continue) and broad_handler(node, ctx):
            ctx.report(self, node, "broad except with continue silently skips every error; "
                                   "catch the specific exception or log it")
