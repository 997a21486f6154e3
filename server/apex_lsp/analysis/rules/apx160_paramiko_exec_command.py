"""Remote command built at run time and run over SSH (`exec_command`).

## What it does
Flags `exec_command(command)` calls (paramiko's `SSHClient.exec_command` and
`Channel.exec_command`, matched on any receiver) whose command is not a
literal. Commands whose interpolated values are all quoted with
`shlex.quote` are not flagged.

## Why is this bad
The remote side runs the command through the login shell of the SSH user, so
a value spliced into it injects commands on the remote host (CWE-78), often
a server the attacker could not reach otherwise.

## Example
```python
client.exec_command(f"tail -n 100 /var/log/{service}.log")
```

## Use instead
Validate values against a whitelist and quote them for the remote shell:
```python
if service not in KNOWN_SERVICES:
    raise ValueError(service)
client.exec_command("tail -n 100 " + shlex.quote(f"/var/log/{service}.log"))
```

## References
- https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.SSHClient.exec_command
- https://cwe.mitre.org/data/definitions/78.html
"""
import ast

from ..context import FileContext, argument, is_constant, is_string_building
from ..model import Confidence, Severity
from ..rule import Rule
from .apx155_subprocess_shell_true import shell_quoted


class ParamikoExecCommand(Rule):
    id = "APX160"
    name = "ssh-exec-command-injection"
    category = "command-injection"
    cwe = 78
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    capability = "network"
    bandit = ("B601",)
    methods = frozenset({"exec_command"})

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        command = argument(node, 0, "command")
        if command is None or is_constant(command) or shell_quoted(command):
            return
        # shlex.quote(...) or a call we cannot see into: still a finding, but less certain.
        ctx.report(self, node, "remote command built at run time runs through the remote "
                               "shell; validate and quote every value",
                   confidence=Confidence.HIGH if is_string_building(command) else Confidence.LOW)
