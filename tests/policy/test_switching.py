"""Mode switches: refused towards a stricter mode while unsafe state exists, always audited."""
from __future__ import annotations

import json

from apex_policy import load_settings
from apex_policy.audit import AuditLog, verify
from apex_policy.switching import ModeController


def _controller(project, tmp_path, mode="development"):
    root = project(f'mode = "{mode}"\n')
    log = AuditLog(str(tmp_path / "audit.jsonl"), actor="tester")
    return ModeController(load_settings(str(root)).settings, audit=log), log


def _records(log):
    with open(log.path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle][1:]


def test_refuses_development_to_isolation_with_unsafe_state(project, tmp_path):
    controller, log = _controller(project, tmp_path)
    result = controller.switch("isolation", unsafe_state=["2 pending state edits in app.py",
                                                         "hot-reloaded app.views.index"])
    assert not result.switched
    assert controller.mode == "development"
    assert "pending state edits" in result.reason and "force" in result.reason
    record = _records(log)[-1]
    assert (record["operation"], record["outcome"], record["target"]) == \
        ("mode_switch", "refused", "isolation")
    assert record["details"]["unsafe_state"][1] == "hot-reloaded app.views.index"


def test_force_switches_and_records_it(project, tmp_path):
    controller, log = _controller(project, tmp_path)
    result = controller.switch("isolation", unsafe_state=["pending edit"], force=True)
    assert result.switched and result.forced
    assert controller.mode == "isolation"
    assert controller.settings.policy.capability("network").action == "deny"
    assert not controller.settings.policy.gate("state_edit").allowed
    assert _records(log)[-1]["outcome"] == "forced"
    assert verify(log.path).ok


def test_clean_switches_are_allowed_and_audited(project, tmp_path):
    controller, log = _controller(project, tmp_path)
    assert controller.switch("hybrid").switched
    assert controller.switch("isolation").switched
    # Relaxing is always allowed: unsafe state cannot get worse.
    assert controller.switch("development", unsafe_state=["pending edit"]).switched
    assert [r["outcome"] for r in _records(log)] == ["allowed", "allowed", "allowed"]
    assert [r["details"]["to"] for r in _records(log)] == ["hybrid", "isolation", "development"]


def test_hybrid_to_isolation_is_also_guarded(project, tmp_path):
    controller, _ = _controller(project, tmp_path, mode="hybrid")
    assert not controller.switch("isolation", unsafe_state=["hot reload"]).switched


def test_unknown_and_same_mode(project, tmp_path):
    controller, log = _controller(project, tmp_path)
    result = controller.switch("sandbox")
    assert not result.switched and "unknown mode" in result.reason
    assert controller.switch("development").switched
    assert [r["outcome"] for r in _records(log)] == ["refused", "allowed"]


def test_for_project_audits_to_the_policy_log(project):
    root = project('mode = "development"\n[audit]\npath = "logs/apex.jsonl"\n')
    controller = ModeController.for_project(str(root / "src"), actor="bob")
    assert controller.switch("isolation").switched
    assert controller.settings.policy.root == str(root)
    log = root / "logs" / "apex.jsonl"
    assert verify(str(log)).ok
    record = json.loads(log.read_text().splitlines()[-1])
    assert (record["actor"], record["operation"], record["outcome"]) == \
        ("bob", "mode_switch", "allowed")
