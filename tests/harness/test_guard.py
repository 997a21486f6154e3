"""The runtime guard inside real targets (3.11-3.13), through `apex run` and the harness."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from apex_policy.audit import verify

from apex_host.launch import spawn


def _project(tmp_path, mode, extra=""):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(f'[tool.apex]\nmode = "{mode}"\n{extra}')
    return root


def _apex_run(root, program, *options, python=None):
    (root / "prog.py").write_text(textwrap.dedent(program))
    cmd = [sys.executable, "-m", "apex_cli", "run", "--report-json", str(root / "r.json")]
    if python:
        cmd += ["--python", python]
    proc = subprocess.run([*cmd, *options, str(root / "prog.py")], cwd=root,
                          capture_output=True, text=True, timeout=60)
    return proc, json.loads((root / "r.json").read_text())


def test_hybrid_audits_and_denies_naming_capability_and_source(tmp_path, target_python):
    root = _project(tmp_path, "hybrid", '\n[tool.apex.capabilities]\nsubprocess = "deny"\n')
    proc, report = _apex_run(root, """
        import os, subprocess
        open("written.txt", "w").write("x")            # inside the project: allowed
        open("/tmp/../tmp/apex-hybrid-%d" % os.getpid(), "w").close()  # audited
        try:
            subprocess.run(["true"])
        except PermissionError as e:
            print("DENIED", e)
    """, python=target_python)
    assert proc.returncode == 0, proc.stderr
    assert "DENIED apex runtime guard: subprocess denied by the policy " \
           "(pyproject.toml [tool.apex])" in proc.stdout
    assert "a tripwire, not a boundary" in proc.stderr
    assert report["guard"]["counts"]["deny"] == 1
    assert report["guard"]["counts"]["audit"] >= 1
    log = root / ".apex" / "audit.jsonl"
    records = [json.loads(line) for line in log.read_text().splitlines()[1:]]
    ops = {(r["operation"], r["outcome"]) for r in records}
    assert ("runtime.filesystem_write", "allowed") in ops
    assert ("runtime.subprocess", "denied") in ops
    assert verify(str(log)).ok, verify(str(log))


def test_development_mode_installs_no_hook(tmp_path, target_python):
    root = _project(tmp_path, "development")
    proc, report = _apex_run(root, """
        import subprocess, apex_harness.guard as g
        subprocess.run(["true"])
        eval("1")
        print(g.status()["installed"], g._INSTALLED[-1].counts)
    """, python=target_python)
    assert proc.returncode == 0, proc.stderr
    assert report["guard"]["counts"] == {"audit": 0, "deny": 0}
    assert not (root / ".apex" / "audit.jsonl").exists()


def test_guard_events_reach_the_adapter(tmp_path, target_python):
    from apex_policy import load_settings

    root = _project(tmp_path, "isolation")
    runtime = load_settings(str(root)).settings.policy.to_runtime()
    script = root / "prog.py"
    script.write_text("import sys\nsys.stdin.readline()\n"
                      "try:\n    eval('1 + 1')\nexcept PermissionError as e:\n"
                      "    print('refused', flush=True)\n")
    with spawn([str(script)], python=target_python, cwd=str(root),
               guard={"policy": runtime, "source": "test policy", "auditLog": False},
               stdin=subprocess.PIPE, stdout=subprocess.PIPE) as handle:
        status = handle.client.request("guard.status")
        assert status["installed"] and status["mode"] == "isolation"
        handle.process.stdin.write(b"go\n")
        handle.process.stdin.flush()
        event = handle.client.wait_event("guard")
        assert event["body"]["capability"] == "dynamic_code"
        assert event["body"]["decision"] == "deny"
        assert event["body"]["source"] == "test policy"
        assert handle.process.stdout.readline() == b"refused\n"
