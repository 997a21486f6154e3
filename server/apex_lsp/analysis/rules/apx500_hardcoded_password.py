"""A password or secret assigned as a string literal.

## What it does
Flags assignments of a string literal to a secret-looking name
(`password`, `db_passwd`, `api_key`, `client_secret`, `auth_token`, ...),
including attributes (`self.password = ...`), subscripts
(`config["api_key"] = ...`) and tuple assignments.

To keep the noise down it does **not** flag:
- names that merely start with a secret word: `token_type = "bearer"`,
  `password_field = "pwd"`;
- empty strings, `None`, placeholders (`"changeme"`, `"<password>"`, `"***"`,
  `"xxx"`, `"${DB_PASSWORD}"`, `"%(password)s"`, `"your-api-key"`, `"test"`),
  environment-variable names (`"DB_PASSWORD"`), dotted names, URLs, paths,
  sentences and documentation examples (values containing `EXAMPLE`);
- lower-case words and identifiers (`"bearer"`, `"access_token"`), which are
  labels and enum values far more often than passwords;
- for tokens and keys, values shorter than 12 characters or without the mix of
  letters, digits and entropy of a generated secret.

`SECRET_KEY` is left to APX508, and recognisable credential formats anywhere
in the code to APX505-APX507.

## Why is this bad
A secret in the source ends up in version control, backups, CI logs and every
copy of the code; it cannot be rotated without a release and is shared by every
deployment (CWE-798, CWE-259).

## Example
```python
DB_PASSWORD = "Sup3r-Secret!"
```

## Use instead
```python
import os
DB_PASSWORD = os.environ["DB_PASSWORD"]
```

## References
- https://cwe.mitre.org/data/definitions/798.html
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import PASSWORD, looks_like_secret, name_kind, target_name, words


_LITERAL_VALUES = frozenset({ast.Constant, ast.Tuple, ast.List})


def _pairs(node: ast.Assign | ast.AnnAssign):
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        value = node.value
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) \
                and len(target.elts) == len(value.elts):
            yield from zip(target.elts, node.value.elts)
        else:
            yield target, node.value


class HardcodedPassword(Rule):
    id = "APX500"
    name = "hardcoded-password"
    category = "secrets"
    cwe = 798
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    bandit = ("B105",)
    node_types = (ast.Assign, ast.AnnAssign)

    def check(self, node: ast.Assign | ast.AnnAssign, ctx: FileContext) -> None:
        if node.value is None or node.value.__class__ not in _LITERAL_VALUES:
            return  # only literals, or tuples of them unpacked into names, can be reported
        for target, value in _pairs(node):
            if not isinstance(value, ast.Constant):
                continue
            name = target_name(target)
            kind = name_kind(name)
            if kind is None or words(name) == ["secret", "key"]:
                continue
            if looks_like_secret(value.value, kind):
                what = "password" if kind == PASSWORD else "secret"
                ctx.report(self, value, f"hardcoded {what} assigned to '{name}'; load it from "
                                        "the environment or a secret store")
