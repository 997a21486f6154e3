"""What a secret-looking name and a secret-looking value are (shared by APX4xx-6xx rules).

Kept cheap: every check is a few string operations or one precompiled regex,
because the hardcoded-secret rules see every string constant of a file.

A *name* is secret-looking when its last word is a password or secret word
(``db_password``, ``authToken``, ``client_secret``, ``api_key``); a name that
only starts with one (``token_type``, ``password_field``) names something else.
A *value* is secret-looking when it is not empty, not a placeholder
(``changeme``, ``<password>``, ``***``, ``${DB_PASSWORD}``), not an environment
variable name, URL, path or sentence, and, for tokens and keys, has the mix of
characters of a generated secret.
"""
from __future__ import annotations

import ast
import math
import re

PASSWORD = "password"
TOKEN = "token"

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase", "pswd",
                             "passcode", "pw"})
_TOKEN_WORDS = frozenset({"secret", "token", "apikey", "secretkey", "privatekey",
                          "accesskey", "credential", "credentials", "nonce", "salt"})
_KEY_QUALIFIERS = frozenset({"api", "secret", "private", "access", "auth", "signing",
                             "encryption", "master", "session", "hmac", "client", "app",
                             "consumer", "license", "account"})
_SECRET_QUALIFIERS = frozenset({"client", "app", "consumer", "shared", "webhook", "jwt"})

_PLACEHOLDER = re.compile(
    r"(?i)(?:change[_ -]?me|change[_ -]?this|password|passwd|secret|token|dummy|test|testing"
    r"|example|sample|placeholder|todo|fixme|none|null|nil|redacted|hidden|masked|default"
    r"|your[_-]?[a-z_-]*|my[_-]?[a-z_-]*|x+|\*+|\.+|-+|_+|0+|1234|12345|123456|abc123"
    r"|<[^<>]*>|\{[^{}]*\}|\[[^\[\]]*\]|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%\(?[a-z_]*\)?s"
    r"|\{\{[^{}]*\}\})")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,}")
_LOWER_IDENTIFIER = re.compile(r"[a-z]+(?:[_.:-][a-z]+)*")
_NAME_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,80}")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def words(name: str) -> list[str]:
    return [w.lower() for w in _WORD_SPLIT.split(name) if w]


def name_kind(name: str | None) -> str | None:
    """``PASSWORD`` or ``TOKEN`` when the name's last word says it holds a secret."""
    if not name or not _NAME_LIKE.fullmatch(name):
        return None
    parts = words(name)
    if not parts:
        return None
    last = parts[-1]
    if last in _PASSWORD_WORDS:
        return PASSWORD
    if last in _TOKEN_WORDS:
        return TOKEN
    if len(parts) >= 2:
        if last == "key" and parts[-2] in _KEY_QUALIFIERS:
            return TOKEN
        if last == "secret" and parts[-2] in _SECRET_QUALIFIERS:
            return TOKEN
    return None


def target_name(node: ast.AST) -> str | None:
    """The name an assignment target or subscript key gives its value."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


_CODE_QUALIFIERS = frozenset({"verification", "reset", "auth", "confirmation", "activation",
                              "otp", "login", "invite", "invitation", "recovery", "access"})


def secret_target(name: str | None) -> bool:
    """A name a generated secret is stored under: secret names plus otp, pin, reset_code."""
    if name_kind(name):
        return True
    parts = words(name or "")
    if not parts:
        return False
    return parts[-1] in ("otp", "pin") or (
        parts[-1] == "code" and len(parts) > 1 and parts[-2] in _CODE_QUALIFIERS)


def assigned_targets(stmt: ast.AST | None) -> list[ast.AST]:
    """The names, attributes and subscripts an assignment statement writes to."""
    if isinstance(stmt, ast.Assign):
        found = []
        for target in stmt.targets:
            found.extend(target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target])
        return found
    if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        return [stmt.target]
    return []


def expression_name(node: ast.AST) -> str | None:
    """The name a value is known by: ``token``, ``self.api_key``, ``password.encode()``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in ("encode", "decode", "strip", "lower", "upper") and not node.args:
        node = node.func.value
    return target_name(node)


def entropy(text: str) -> float:
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    size = len(text)
    return -sum(c / size * math.log2(c / size) for c in counts.values())


def looks_like_secret(value: object, kind: str) -> bool:
    """True when a literal assigned to a ``kind`` name is plausibly a real secret.

    Values in a recognisable credential format are excluded: APX505-APX507 report
    those (with the format's name), and one literal should give one finding."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return False
    text = value.strip()
    size = len(text)
    if size < (6 if kind == PASSWORD else 12) or size > 512:
        return False
    if (" " in text or "\n" in text or "\t" in text or "://" in text
            or text.startswith(("/", "./", "~/"))):
        return False
    if _PLACEHOLDER.fullmatch(text) or _ENV_NAME.fullmatch(text) or _DOTTED.fullmatch(text):
        return False
    if _LOWER_IDENTIFIER.fullmatch(text):  # a label or enum value: "bearer", "access_token"
        return False
    if any(marker in text for marker in EXAMPLE_MARKERS):
        return False
    if known_credential(text):
        return False
    if kind == PASSWORD:
        return True
    has_digit = any(c.isdigit() for c in text)
    has_alpha = any(c.isalpha() for c in text)
    return has_digit and has_alpha and entropy(text) >= 3.0


#: Credential formats recognisable on their own, whatever they are assigned to.
KNOWN_TOKENS = re.compile(
    r"(?P<aws_access_key_id>\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b)"
    r"|(?P<github_token>\bgh[pousr]_[A-Za-z0-9]{36,255}\b|\bgithub_pat_[A-Za-z0-9_]{60,255}\b)"
    r"|(?P<gitlab_token>\bglpat-[A-Za-z0-9_-]{20,}\b)"
    r"|(?P<slack_token>\bxox[abposr]-[A-Za-z0-9-]{10,}\b)"
    r"|(?P<slack_webhook>hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,})"
    r"|(?P<stripe_key>\b(?:sk|rk)_live_[0-9A-Za-z]{20,}\b)"
    r"|(?P<google_api_key>\bAIza[0-9A-Za-z_-]{35}\b)"
    r"|(?P<sendgrid_key>\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b)"
    r"|(?P<npm_token>\bnpm_[A-Za-z0-9]{36}\b)"
    r"|(?P<pypi_token>\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})"
    r"|(?P<openai_key>\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})"
    r"|(?P<anthropic_key>\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,})")

#: The literal parts of KNOWN_TOKENS: a regex of plain alternatives scans ~15x faster,
#: so it guards the full pattern (docstrings are long and almost never hold a token).
KNOWN_TOKEN_HINT = re.compile(
    r"AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|hooks\.slack|_live_|AIza"
    r"|SG\.|npm_|pypi-|T3BlbkFJ|sk-ant-")

JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")


def known_credential(text: str) -> bool:
    """True for a token in a recognised format (cloud/service keys, JWTs, key blocks)."""
    return bool((KNOWN_TOKEN_HINT.search(text) and KNOWN_TOKENS.search(text))
                or ("eyJ" in text and JWT.search(text)) or "PRIVATE KEY-----" in text)


#: Documentation examples that look like real keys (AWS's own examples).
EXAMPLE_MARKERS = ("EXAMPLE", "example", "xxxxxxxx", "XXXXXXXX", "0000000000")
