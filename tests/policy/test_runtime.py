"""RuntimePolicy.decide with scopes, built from Policy.to_runtime() through JSON."""
from __future__ import annotations

import json

import pytest

from apex_policy import load_settings
from apex_policy.runtime import RuntimePolicy


@pytest.fixture
def runtime(project):
    root = project('''
        mode = "isolation"
        [capabilities.network]
        allow = ["localhost:8000", "*.pypi.org:443", "10.0.0.0/8", "[::1]:9000", "*:53"]
        [capabilities.subprocess]
        allow = ["git", "/usr/local/bin/*"]
        [capabilities.filesystem_write]
        allow = ["build", "out/**/*.json", "/tmp/apex-*/**"]
        [capabilities.environment]
        action = "deny"
        allow = ["APP_*", "HOME"]
    ''')
    data = json.loads(json.dumps(load_settings(str(root)).settings.policy.to_runtime()))
    return RuntimePolicy.from_dict(data), root


@pytest.mark.parametrize("target,expected", [
    ("localhost:8000", "allow"), (("localhost", 8000), "allow"), ("LOCALHOST:8000", "allow"),
    ("localhost:8001", "deny"), ("files.pypi.org:443", "allow"), ("pypi.org.evil.com:443", "deny"),
    ("files.pypi.org:80", "deny"), (("10.1.2.3", 22), "allow"), (("11.0.0.1", 22), "deny"),
    ("[::1]:9000", "allow"), ("[::1]:9001", "deny"), (("8.8.8.8", 53), "allow"), (None, "deny"),
])
def test_network_scopes(runtime, target, expected):
    policy, _ = runtime
    assert policy.decide("network", target) == expected


@pytest.mark.parametrize("target,expected", [
    ("git", "allow"), ("/usr/bin/git", "allow"), (["git", "status"], "allow"),
    ("/usr/local/bin/tool", "allow"), ("/usr/bin/curl", "deny"), (["sh", "-c", "git"], "deny"),
    ("gitx", "deny"),
])
def test_subprocess_scopes(runtime, target, expected):
    policy, _ = runtime
    assert policy.decide("subprocess", target) == expected


def test_filesystem_scopes_are_relative_to_the_root(runtime):
    policy, root = runtime
    assert policy.decide("filesystem_write", str(root / "build" / "x" / "y.o")) == "allow"
    assert policy.decide("filesystem_write", str(root / "build")) == "allow"
    assert policy.decide("filesystem_write", str(root / "buildx")) == "deny"
    assert policy.decide("filesystem_write", str(root / "out" / "a" / "b" / "r.json")) == "allow"
    assert policy.decide("filesystem_write", str(root / "out" / "r.txt")) == "deny"
    assert policy.decide("filesystem_write", str(root / "build" / ".." / "src" / "x")) == "deny"
    assert policy.decide("filesystem_write", "/tmp/apex-1/deep/file") == "allow"
    assert policy.decide("filesystem_write", "/etc/passwd") == "deny"
    assert policy.decide("filesystem_write", str(root / ".apex" / "tmp" / "s")) == "deny"  # replaced
    assert policy.decide("filesystem_read", "/etc/passwd") == "allow"


def test_other_capabilities_use_name_globs(runtime):
    policy, _ = runtime
    assert policy.decide("environment", "APP_TOKEN") == "allow"
    assert policy.decide("environment", "AWS_SECRET_ACCESS_KEY") == "deny"
    assert policy.decide("dynamic_code") == "deny"
    assert policy.decide("threads") == "allow"


def test_unknown_capability_is_audited_and_bad_rules_fail_closed():
    policy = RuntimePolicy.from_dict({"capabilities": {"network": {"action": "maybe"}}})
    assert policy.decide("network") == "deny"
    assert policy.decide("teleport") == "audit"
    assert policy.decide("network", object()) == "deny"


def test_runtime_dict_carries_limits_and_audit_path(project):
    root = project('mode = "isolation"\n[limits]\nmemory = "256MiB"\n')
    data = load_settings(str(root)).settings.policy.to_runtime()
    assert data["limits"]["memory"] == 256 * 1024 ** 2
    assert data["audit"]["path"] == str(root / ".apex" / "audit.jsonl")
    policy = RuntimePolicy.from_dict(data)
    assert policy.limits["wall"] == 120.0 and policy.mode == "isolation"


def test_symlinks_cannot_smuggle_writes_out_of_an_allowed_dir(runtime, tmp_path_factory):
    policy, root = runtime
    outside = tmp_path_factory.mktemp("outside")
    (root / "build").mkdir()
    (root / "build" / "escape").symlink_to(outside, target_is_directory=True)
    assert policy.decide("filesystem_write", str(root / "build" / "real.o")) == "allow"
    assert policy.decide("filesystem_write", str(root / "build" / "escape" / "x")) == "deny"


def test_relative_targets_resolve_from_the_working_directory(runtime, monkeypatch):
    policy, root = runtime
    monkeypatch.chdir(root / "src")
    assert policy.decide("filesystem_write", "../build/a.o") == "allow"
    assert policy.decide("filesystem_write", "build/a.o") == "deny"   # src/build is not allowed
