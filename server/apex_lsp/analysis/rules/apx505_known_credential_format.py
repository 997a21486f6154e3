"""A credential in a recognisable format: cloud keys and service tokens.

## What it does
Flags string literals containing a credential whose format identifies it,
wherever it appears: AWS access key ids (`AKIA...`, `ASIA...`), GitHub tokens
(`ghp_`, `gho_`, `ghs_`, `github_pat_`), GitLab (`glpat-`), Slack tokens
(`xoxb-`, `xoxp-`, ...) and webhooks, Stripe live keys (`sk_live_`), Google API
keys (`AIza...`), SendGrid, npm, PyPI, OpenAI and Anthropic keys. Values
marked as documentation examples (containing `EXAMPLE`, `xxxxxxxx`) are not
flagged.

## Why is this bad
These are live credentials for third-party services. Once committed they are
in every clone and fork; automated scanners harvest public repositories within
minutes (CWE-798). Revoke the credential, then remove it.

## Example
```python
client = Github("ghp_16C7e42F292c6912E7710c838347Ae178B4a")
```

## Use instead
```python
import os
client = Github(os.environ["GITHUB_TOKEN"])
```

## References
- https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns
"""
import ast

from ..context import FileContext
from ..model import Confidence, Severity
from ..rule import Rule
from ._secrets import EXAMPLE_MARKERS, KNOWN_TOKEN_HINT, KNOWN_TOKENS

_LABELS = {
    "aws_access_key_id": "an AWS access key id", "github_token": "a GitHub token",
    "gitlab_token": "a GitLab token", "slack_token": "a Slack token",
    "slack_webhook": "a Slack webhook URL", "stripe_key": "a Stripe live key",
    "google_api_key": "a Google API key", "sendgrid_key": "a SendGrid API key",
    "npm_token": "an npm token", "pypi_token": "a PyPI token", "openai_key": "an OpenAI API key",
    "anthropic_key": "an Anthropic API key",
}


class KnownCredentialFormat(Rule):
    id = "APX505"
    name = "known-credential-format"
    category = "secrets"
    cwe = 798
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    node_types = (ast.Constant,)
    constants = (str,)

    def check(self, node: ast.Constant, ctx: FileContext) -> None:
        value = node.value
        if value.__class__ is not str or len(value) < 20:
            return
        if KNOWN_TOKEN_HINT.search(value) is None:
            return
        match = KNOWN_TOKENS.search(value)
        if match is None:
            return
        token = match.group(0)
        if any(marker in token for marker in EXAMPLE_MARKERS):
            return
        ctx.report(self, node, f"hardcoded credential ({_LABELS[match.lastgroup]}); revoke it "
                               "and load it from the environment or a secret store")
