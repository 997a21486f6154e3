"""Debug operation gates per mode, permissions with scopes and expiry."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

from apex_policy import DEBUG_OPERATIONS, load_settings


@pytest.mark.parametrize("operation", DEBUG_OPERATIONS)
def test_development_allows_everything(project, operation):
    policy = load_settings(str(project('mode = "development"\n'))).settings.policy
    decision = policy.gate(operation)
    assert decision.allowed and decision.permission_hint is None


def test_isolation_denies_mutations_and_allows_observing(project):
    policy = load_settings(str(project('mode = "isolation"\n'))).settings.policy
    assert policy.gate("attach").allowed and policy.gate("time_travel").allowed
    for operation in ("evaluate", "state_edit", "hot_reload", "restart_frame"):
        decision = policy.gate(operation)
        assert not decision.allowed
        assert decision.permission_hint is None  # permissions do not apply in isolation
    assert policy.gate("state_edit").reason == (
        "state editing is denied in isolation mode — policy: pyproject.toml [tool.apex]")


def test_isolation_ignores_permissions(project):
    root = project('''
        mode = "isolation"
        [[permissions]]
        operations = ["state_edit"]
    ''')
    assert not load_settings(str(root)).settings.policy.gate("state_edit").allowed


def test_hybrid_denies_without_permission_and_names_the_grant(project):
    root = project('mode = "hybrid"\n')
    policy = load_settings(str(root)).settings.policy
    decision = policy.gate("hot_reload", path=str(root / "src" / "app.py"))
    assert not decision.allowed
    assert "hot reload is denied in hybrid mode without a permission" in decision.reason
    assert "policy: pyproject.toml [tool.apex]" in decision.reason
    assert '[[tool.apex.permissions]]\noperations = ["hot_reload"]' in decision.permission_hint
    assert 'paths = ["src/app.py"]' in decision.permission_hint


def test_hybrid_permission_scoped_to_paths_and_modules(project):
    root = project('''
        mode = "hybrid"
        [[permissions]]
        operations = ["state_edit", "hot_reload"]
        paths = ["src/app/**"]
        reason = "fixing checkout"
        [[permissions]]
        operations = ["evaluate"]
        modules = ["app.models"]
    ''')
    policy = load_settings(str(root)).settings.policy
    inside = str(root / "src" / "app" / "cart.py")
    outside = str(root / "src" / "other.py")
    granted = policy.gate("state_edit", path=inside)
    assert granted.allowed and "fixing checkout" in granted.reason
    assert "pyproject.toml:4" in granted.reason  # the [[permissions]] header
    assert not policy.gate("state_edit", path=outside).allowed
    assert not policy.gate("state_edit").allowed          # a scoped grant needs a path
    assert not policy.gate("restart_frame", path=inside).allowed
    assert policy.gate("evaluate", module="app.models").allowed
    assert policy.gate("evaluate", module="app.models.order").allowed
    assert not policy.gate("evaluate", module="app.views").allowed


def test_permission_expiry_absolute(project):
    root = project('''
        mode = "hybrid"
        [[permissions]]
        operations = ["state_edit"]
        expires = "2030-01-01T00:00:00Z"
    ''')
    policy = load_settings(str(root)).settings.policy
    before = datetime(2029, 12, 31, 23, 59, tzinfo=timezone.utc)
    after = datetime(2030, 1, 1, 0, 0, 1, tzinfo=timezone.utc)
    assert policy.gate("state_edit", now=before).allowed
    expired = policy.gate("state_edit", now=after)
    assert not expired.allowed
    assert "expired at 2030-01-01T00:00:00Z" in expired.reason
    assert expired.permission_hint


def test_permission_duration_counts_from_the_file_mtime(project):
    root = project('''
        mode = "hybrid"
        [[permissions]]
        operations = ["hot_reload"]
        expires = "2h"
    ''')
    written = datetime(2026, 5, 1, 10, 0, tzinfo=timezone.utc)
    path = root / "pyproject.toml"
    os.utime(path, (written.timestamp(), written.timestamp()))
    policy = load_settings(str(root)).settings.policy
    assert policy.permissions[0].expires == written + timedelta(hours=2)
    assert policy.gate("hot_reload", now=written + timedelta(minutes=119)).allowed
    assert not policy.gate("hot_reload", now=written + timedelta(minutes=121)).allowed


def test_editor_grant_adds_to_file_grants(project):
    root = project('''
        mode = "hybrid"
        [[permissions]]
        operations = ["state_edit"]
    ''')
    loaded = load_settings(str(root), editor={"permissions": [{"operations": ["hot_reload"],
                                                               "expires": "1h"}]})
    policy = loaded.settings.policy
    assert len(policy.permissions) == 2
    assert policy.gate("state_edit").allowed and policy.gate("hot_reload").allowed
    assert "editor settings" in policy.gate("hot_reload").reason


def test_debug_gate_can_be_set_explicitly(project):
    root = project('''
        mode = "isolation"
        [debug]
        evaluate = "allow"
    ''')
    assert load_settings(str(root)).settings.policy.gate("evaluate").allowed


def test_unknown_operation_is_refused(project):
    policy = load_settings(str(project(""))).settings.policy
    decision = policy.gate("format_disk")
    assert not decision.allowed and "unknown debug operation" in decision.reason
