"""A suppression comment that suppresses nothing.

## What it does
With `apex check --report-unused-suppressions`, reports `# apex: ignore[...]`
and `# nosec` comments on statements that have no matching finding.

## Why is this bad
Stale suppressions hide future findings on the same statement: a new, real
problem introduced later on that line would be silenced without review.

## Example
```python
total = a + b  # apex: ignore[APX101]
```

## Use instead
```python
total = a + b
```
"""
from ..model import Confidence, Severity
from ..rule import Rule


class UnusedSuppression(Rule):
    id = "APX001"
    name = "unused-suppression"
    category = "meta"
    severity = Severity.INFO
    confidence = Confidence.HIGH
    enabled_by_default = False
