"""A secret is written to a log or the console.

## What it does
Follows secret values (environment variables and request fields whose names
say password/secret/token/API key, `getpass.getpass()`, `keyring`, parameters
named `password`, `api_key`, ...) to `logging` calls, `logger.info(...)`-style
methods on loggers, and `print`. Hashing the value, or logging only its
length, clears it.

## Why is this bad
Logs are kept long, shipped to other systems and read by many people: a
secret in them is a leaked secret (CWE-532).

## Example
```python
token = os.environ["API_TOKEN"]
logging.info("starting with token %s", token)
```

## Use instead
```python
token = os.environ["API_TOKEN"]
logging.info("starting with a token of %d characters", len(token))
```

## References
- https://cwe.mitre.org/data/definitions/532.html
"""
from ..model import Confidence, Severity
from ..taint.rulebase import TaintRule


class TaintSecretLogged(TaintRule):
    kind = "log"
    name = "taint-secret-logged"
    cwe = 532
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
