"""`apex policy show/check` and `apex audit verify` through the real command line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from apex_policy.audit import AuditLog

REPO = Path(__file__).resolve().parents[2]


def apex(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO / "server"))
    return subprocess.run([sys.executable, "-m", "apex_cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_policy_show_prints_values_and_origins(project):
    root = project('mode = "hybrid"\n[limits]\nmemory = "512MB"\n')
    out = apex("policy", "show", "src", cwd=root)
    assert out.returncode == 0, out.stderr
    assert "# source: pyproject.toml [tool.apex]" in out.stdout
    lines = out.stdout.splitlines()
    assert any(line.startswith('mode = "hybrid"') and line.endswith("# file (pyproject.toml:2)")
               for line in lines)
    assert any(line.startswith('memory = "512MB"') and "file (pyproject.toml:4)" in line
               for line in lines)
    assert any(line.startswith('state_edit = "permission"') and "mode default (hybrid)" in line
               for line in lines)


def test_policy_show_mode_flag_and_json(project):
    root = project('mode = "hybrid"\n')
    out = apex("policy", "show", "--mode", "isolation", "--json", ".", cwd=root)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["mode"] == "isolation"
    assert data["origins"]["mode"] == "cli (--mode)"
    assert data["settings"]["capabilities.network.action"] == "deny"
    assert data["origins"]["capabilities.network.action"] == "mode default (isolation)"
    assert data["runtime"]["capabilities"]["network"]["action"] == "deny"
    assert data["errors"] == []


def test_policy_check_ok_and_errors(project):
    root = project('mode = "isolation"\n')
    ok = apex("policy", "check", "pyproject.toml", cwd=root)
    assert ok.returncode == 0 and "ok (isolation mode)" in ok.stdout
    implicit = apex("policy", "check", cwd=root / "src")
    assert implicit.returncode == 0
    (root / "pyproject.toml").write_text('[tool.apex]\nmode = "isolation"\n\n'
                                         '[tool.apex.capabilities]\nnetwork = "sometimes"\n')
    bad = apex("policy", "check", "pyproject.toml", cwd=root)
    assert bad.returncode == 2
    assert ("pyproject.toml:5:1: capabilities.network: expected one of allow/audit/deny, "
            "got 'sometimes'") in bad.stderr.splitlines()
    missing = apex("policy", "check", "nope.toml", cwd=root)
    assert missing.returncode == 2


def test_audit_verify_exit_codes(tmp_path):
    log = AuditLog(str(tmp_path / "audit.jsonl"), actor="ci")
    for index in range(3):
        log.append("state_edit", outcome="allowed", target=str(index))
    ok = apex("audit", "verify", "audit.jsonl", cwd=tmp_path)
    assert ok.returncode == 0 and "intact, 3 records" in ok.stdout
    lines = (tmp_path / "audit.jsonl").read_text().splitlines(keepends=True)
    del lines[2]
    (tmp_path / "audit.jsonl").write_text("".join(lines))
    broken = apex("audit", "verify", "audit.jsonl", cwd=tmp_path)
    assert broken.returncode == 1
    assert broken.stderr.startswith("audit.jsonl:3: broken: record 3 does not follow")
    assert apex("audit", "verify", "missing.jsonl", cwd=tmp_path).returncode == 2
    shown = apex("audit", "show", "audit.jsonl", cwd=tmp_path)
    assert shown.returncode == 0 and "state_edit 0 -> allowed" in shown.stdout


def test_policy_schema(tmp_path):
    out = apex("policy", "schema", cwd=tmp_path)
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    assert schema["properties"]["mode"]["enum"] == ["isolation", "development", "hybrid"]
    flat = json.loads(apex("policy", "schema", "--flat", cwd=tmp_path).stdout)
    assert {"key": "min-severity"}.items() <= next(e for e in flat
                                                   if e["key"] == "min-severity").items()


def test_check_mode_isolation_reports_denied_capabilities(project):
    root = project('mode = "development"\n')
    (root / "src" / "app.py").write_text(
        "import os\nimport socket\n"
        "socket.create_connection(('example.com', 80))\n"
        "os.getenv('HOME')\n")
    relaxed = apex("check", "--format", "json", "src", cwd=root)
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert json.loads(relaxed.stdout)["findings"] == []
    strict = apex("check", "--mode", "isolation", "--format", "json", "src", cwd=root)
    assert strict.returncode == 1, strict.stderr
    findings = {(f["line"], f["rule"]): f for f in json.loads(strict.stdout)["findings"]}
    network = findings[(3, "APX901")]
    assert network["severity"] == "high" and network["capability"] == "network"
    assert network["message"] == ("network access (socket.create_connection) on example.com:80 "
                                  "is denied in isolation mode — policy: pyproject.toml "
                                  "[tool.apex]")
    env = findings[(4, "APX908")]
    assert env["severity"] == "info" and "is audited in isolation mode" in env["message"]


def test_policy_decide_and_gate(project):
    root = project('mode = "hybrid"\n[capabilities.network]\nallow = ["api.example.com:443"]\n'
                   '[capabilities.subprocess]\naction = "deny"\n')
    (root / "src" / "app.py").write_text("x = 1\n")
    allowed = apex("policy", "decide", "network", "api.example.com:443", cwd=root)
    assert allowed.returncode == 0 and allowed.stdout.startswith("allow: network on ")
    audited = apex("policy", "decide", "network", "example.org:443", cwd=root)
    assert audited.returncode == 0 and audited.stdout.startswith("audit: ")
    denied = apex("policy", "decide", "subprocess", "ls", cwd=root)
    assert denied.returncode == 1 and denied.stdout.startswith("deny: subprocess on ls in "
                                                               "hybrid mode")
    gate = apex("policy", "gate", "state_edit", "--path", "src/app.py", cwd=root)
    assert gate.returncode == 1
    assert "state editing is denied in hybrid mode without a permission" in gate.stdout
    assert 'paths = ["src/app.py"]' in gate.stdout
    assert apex("policy", "gate", "attach", cwd=root).returncode == 0
    assert apex("policy", "gate", "state_edit", "--mode", "development",
                cwd=root).returncode == 0
