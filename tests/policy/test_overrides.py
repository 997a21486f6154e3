"""[[tool.apex.overrides]]: per-path capability rules, validated, recorded, applied."""
from __future__ import annotations

import json
import sys

from apex_lsp.analysis import Analyzer
from apex_lsp.analysis.policy_filter import apply_policy
from apex_policy import load_settings
from apex_policy.describe import flatten
from apex_policy.runtime import RuntimePolicy

SOURCE = "import requests\nrequests.get(url, timeout=5)\n"

OVERRIDES = """\
mode = "isolation"

[[overrides]]
paths = ["src/net/**"]
capabilities = { network = "allow" }

[[overrides]]
paths = ["src/net/strict.py"]
capabilities = { network = { allow = ["api.example.com:443"] } }
"""


def _network_findings(policy, path):
    findings = Analyzer().analyze_source(SOURCE, path).findings
    return [f for f in apply_policy(findings, policy) if "network access" in f.message]


def test_override_allows_a_capability_for_its_paths_only(project):
    root = project(OVERRIDES)
    loaded = load_settings(str(root))
    assert loaded.errors == []
    policy = loaded.settings.policy
    assert _network_findings(policy, str(root / "src/net/client.py")) == []
    denied = _network_findings(policy, str(root / "src/app.py"))
    assert denied and "denied in isolation mode" in denied[0].message
    assert "pyproject.toml [tool.apex]" in denied[0].message
    # The later, narrower override wins and keeps the project's action (deny) with a scope.
    strict = _network_findings(policy, str(root / "src/net/strict.py"))
    assert strict and "allowed for api.example.com:443" in strict[0].message
    assert "policy: pyproject.toml:8" in strict[0].message


def test_runtime_policy_applies_overrides_when_given_the_calling_file(project):
    root = project(OVERRIDES)
    policy = load_settings(str(root)).settings.policy
    runtime = RuntimePolicy.from_dict(json.loads(json.dumps(policy.to_runtime())))
    assert runtime.decide("network", "evil.example:80") == "deny"
    assert runtime.decide("network", "evil.example:80", path="src/net/a.py") == "allow"
    assert runtime.decide("network", "evil.example:80", path=str(root / "src/net/a.py")) == \
        "allow"
    assert runtime.decide("network", "evil.example:80", path="src/net/strict.py") == "deny"
    assert runtime.decide("network", "api.example.com:443", path="src/net/strict.py") == "allow"
    assert policy.decide("network", None, path="src/net/a.py") == "allow"
    assert policy.capability("network", "src/other.py").action == "deny"


def test_overrides_are_validated_at_their_positions(project):
    root = project("""\
[[overrides]]
paths = ["src/**", 3]
capabilities = { netwrk = "allow", network = "denyy", subprocess = { action = "deny", scope = [] } }

[[overrides]]
capabilities = { network = "allow" }

[[overrides]]
paths = ["x/**"]
colour = "red"
""")
    errors = [str(e) for e in load_settings(str(root)).errors]
    text = "\n".join(errors)
    assert "pyproject.toml:3:20: overrides[0].paths[1]: expected a string" in text, text
    assert "overrides[0].capabilities.netwrk: unknown capability 'netwrk'" in text
    assert "overrides[0].capabilities.network: expected one of allow/audit/deny, got 'denyy'" \
        in text
    assert "overrides[0].capabilities.subprocess.scope: unknown key 'scope'" in text
    assert "overrides[1]: an override needs paths" in text
    assert "overrides[2].colour: unknown key 'colour'" in text
    assert all(":" in e.split(" ")[0] for e in errors)  # every error has a line


def test_origins_and_show_list_overrides(project):
    root = project(OVERRIDES)
    loaded = load_settings(str(root))
    assert str(loaded.origins["overrides[0].capabilities.network.action"]) == \
        "file (pyproject.toml:4)"
    assert str(loaded.origins["overrides[1].capabilities.network.allow"]) == \
        "file (pyproject.toml:8)"
    shown = flatten(loaded.settings)["overrides"]
    assert shown[0] == {"paths": ["src/net/**"], "source": "pyproject.toml:4",
                        "capabilities": {"network": {"action": "allow", "allow": []}}}
    assert shown[1]["capabilities"]["network"] == {"action": "deny",
                                                   "allow": ["api.example.com:443"]}


def test_settings_schema_accepts_overrides(project):
    import jsonschema
    from apex_policy.schema import settings_schema
    if sys.version_info < (3, 11):
        import tomli as tomllib
    else:
        import tomllib
    root = project(OVERRIDES)
    table = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["apex"]
    jsonschema.validate(table, settings_schema())
