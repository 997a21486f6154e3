"""Unit checks for the helpers behind the APX400-699 rules: the ReDoS analysis stays
bounded and quiet, the secret heuristics keep their low-noise promises, and bandit
ids suppress the matching rules."""
from __future__ import annotations

import warnings

import pytest

from apex_lsp.analysis import Analyzer, rules_by_id
from apex_lsp.analysis.rules._secrets import PASSWORD, TOKEN, looks_like_secret, name_kind
from apex_lsp.analysis.rules.apx650_redos_regex import is_redos_prone


@pytest.mark.parametrize("pattern", [
    "(" * 400 + "a" + ")" * 400 + "+",       # deeper than the parser's recursion
    "(?:a|b|c)" * 2000,                       # longer than the analysis limit
    "[[a]" * 50 + "+",                        # "possible nested set" FutureWarning
    r"\q(a+)+",                               # bad escape: not a valid pattern
    "((((((((((a*)*)*)*)*)*)*)*)*)*)*",
])
def test_redos_analysis_is_bounded_and_silent(pattern):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert is_redos_prone(pattern) in (True, False)


@pytest.mark.parametrize("name, kind", [
    ("password", PASSWORD), ("DB_PASSWORD", PASSWORD), ("userPwd", PASSWORD),
    ("api_key", TOKEN), ("clientSecret", TOKEN), ("AUTH_TOKEN", TOKEN),
    ("token_type", None), ("password_field", None), ("key", None), ("bypass", None),
    ("AWS::IAM::AccessKey", None), ("secret_santa", None),
])
def test_secret_names(name, kind):
    assert name_kind(name) == kind


@pytest.mark.parametrize("value, kind, secret", [
    ("hunter2", PASSWORD, True), ("Sup3r-Secret!", PASSWORD, True),
    ("", PASSWORD, False), ("changeme", PASSWORD, False), ("<password>", PASSWORD, False),
    ("${DB_PASSWORD}", PASSWORD, False), ("DB_PASSWORD", PASSWORD, False),
    ("bearer", PASSWORD, False), ("Enter password:", PASSWORD, False),
    ("9f8e7d6c5b4a39281706f5e4d3c2b1a0", TOKEN, True), ("group", TOKEN, False),
    ("access_token", TOKEN, False), ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", TOKEN, False),
    (None, PASSWORD, False), (b"Sup3r-Secret!", PASSWORD, True),
])
def test_secret_values(value, kind, secret):
    assert looks_like_secret(value, kind) is secret


@pytest.mark.parametrize("rule_id, source", [
    ("APX400", "import hashlib\nhashlib.md5(data)  # nosec B324\n"),
    ("APX450", "import requests\nrequests.get(\n    url,  # nosec B501\n    verify=False, timeout=5)\n"),
    ("APX500", 'password = "Sup3r-Secret!"  # nosec\n'),
    ("APX605", "tar.extractall(path)  # apex: ignore[APX605]\n"),
])
def test_bandit_and_apex_suppressions(rule_id, source):
    result = Analyzer([rules_by_id()[rule_id]]).analyze_source(source)
    assert not result.findings and result.suppressed == 1
