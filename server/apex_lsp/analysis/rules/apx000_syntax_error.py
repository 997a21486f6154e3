"""The file could not be parsed.

## What it does
Reports the location of a syntax error. Apex then blanks the broken line and
parses the rest of the file again, so the other findings still appear while
you type.

## Why is this bad
Code that does not parse cannot run, and any finding after the error may be
missing until it is fixed.

## Example
```python
def handler(request:
    return eval(request.args["q"])
```

## Use instead
```python
def handler(request):
    return request.args["q"]
```
"""
from ..model import Confidence, Severity
from ..rule import Rule


class SyntaxErrorFound(Rule):
    id = "APX000"
    name = "syntax-error"
    category = "meta"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
