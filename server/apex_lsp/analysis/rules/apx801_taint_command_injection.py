"""Untrusted data reaches a shell or process command.

## What it does
Reports a path from untrusted input to `os.system`, `os.popen`, `subprocess`
calls with `shell=True` (or the program of an argument list), `os.exec*`,
`os.spawn*`, `asyncio.create_subprocess_*`, `pty.spawn` or paramiko's
`exec_command`. `shlex.quote` on the value clears it; `int()`/`float()` and
allow-list membership checks do too.

## Why is this bad
A value spliced into a shell command can end it and start another (`;`,
`&&`, `$(...)`): the attacker runs commands as the server (CWE-78).

## Example
```python
import os
from flask import request

def run(cmd):
    os.system(cmd)

@app.route("/ping")
def ping():
    run("ping -c1 " + request.args["host"])
```

## Use instead
```python
import subprocess

@app.route("/ping")
def ping():
    subprocess.run(["ping", "-c1", request.args["host"]], check=True)
```

## References
- https://cwe.mitre.org/data/definitions/78.html
"""
from ..taint.rulebase import TaintRule


class TaintCommandInjection(TaintRule):
    kind = "command"
    name = "taint-command-injection"
    cwe = 78
    capability = "subprocess"
