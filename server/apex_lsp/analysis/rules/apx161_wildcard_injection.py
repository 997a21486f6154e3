"""Shell wildcard passed to a command that interprets file names as options.

## What it does
Flags shell commands (`os.system`, `os.popen`, `subprocess` with
`shell=True`, `subprocess.getoutput`) that run `tar`, `chown`, `chmod`,
`chgrp` or `rsync` with a `*` wildcard.

## Why is this bad
The shell expands `*` to the file names in the directory before the program
sees them. A file named `--checkpoint-action=exec=sh evil.sh` (tar),
`--reference=owned` (chown/chmod) or `-e sh evil.sh` (rsync) becomes an
option, so anyone who can create a file there runs code or changes
ownership (CWE-155).

## Example
```python
os.system("tar czf /backup/site.tgz *")
```

## Use instead
End option parsing with `--` and name the directory instead of globbing:
```python
subprocess.run(["tar", "czf", "/backup/site.tgz", "--", "."], check=True)
```

## References
- https://www.exploit-db.com/papers/33930
- https://cwe.mitre.org/data/definitions/155.html
"""
import ast
import re

from ..context import FileContext, argument, is_false, keyword, string_parts
from ..model import Confidence, Severity
from ..rule import Rule
from .apx155_subprocess_shell_true import SUBPROCESS_FUNCTIONS

_SHELL_CALLS = frozenset({"os.system", "os.popen", "subprocess.getoutput",
                          "subprocess.getstatusoutput"})
_RISKY = re.compile(r"(?:^|[\s;&|/])(?:tar|chown|chmod|chgrp|rsync)\b[^;&|]*(?<!-)\*")


class WildcardInjection(Rule):
    id = "APX161"
    name = "shell-wildcard-injection"
    category = "command-injection"
    cwe = 155
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    capability = "subprocess"
    bandit = ("B609",)
    calls = _SHELL_CALLS | SUBPROCESS_FUNCTIONS

    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.qualname(node.func) in SUBPROCESS_FUNCTIONS:
            shell = keyword(node, "shell")
            if shell is None or is_false(shell):
                return  # no shell, no glob expansion
        text = string_parts(argument(node, 0))
        if _RISKY.search(text):
            ctx.report(self, node, "shell wildcard expands to file names that the command may "
                                   "parse as options; end options with -- and avoid *")
