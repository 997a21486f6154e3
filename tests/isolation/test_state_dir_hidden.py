"""The audit key stays out of an isolated program's reach.

The host signs an isolated run's audit log with the user's key, in the apex state
directory ($XDG_STATE_HOME/apex, default ~/.local/state/apex). The sandbox shows the
program a read-only view of the whole file system, so that directory is covered by an
empty read-only tmpfs: a program that read the key could forge records and anchors.
Each attack runs with the in-process guard off (the OS boundary alone), on each
sandbox backend this machine has; the state directory is put where the program could
otherwise read it (inside its project, which the sandbox shows it).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from apex_policy.audit import AuditLog, verify

from .conftest import apex_run, needs_root, run_unguarded

pytestmark = [needs_root]

ATTACK = """
    import os, sys
    state = sys.argv[1]
    try:
        print("listing", sorted(os.listdir(state)))
    except OSError as error:
        print("listing blocked", error.errno)
    for name in ("audit.key", "anchors"):
        path = os.path.join(state, name)
        try:
            if os.path.isdir(path):
                print("LEAK", name, [open(os.path.join(path, f)).read()
                                     for f in os.listdir(path)])
            else:
                print("LEAK", name, open(path).read())
        except OSError as error:
            print("read blocked", name, error.errno)
    try:
        open(os.path.join(state, "audit.key"), "w").write("0" * 64)
        print("WROTE audit.key")
    except OSError as error:
        print("write blocked", error.errno)
"""


@pytest.fixture(params=["bubblewrap", "unshare"])
def backend(request, tmp_path, monkeypatch) -> str:
    """The sandbox backend: bubblewrap when installed, else root + util-linux unshare
    (forced here by a PATH that holds only unshare and setpriv)."""
    if request.param == "bubblewrap":
        if shutil.which("bwrap") is None:
            pytest.skip("bubblewrap is not installed (scripts/setup --all)")
        return request.param
    tools = [shutil.which(tool) for tool in ("unshare", "setpriv")]
    if not all(tools):
        pytest.skip("util-linux unshare/setpriv missing")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in tools:
        (bindir / os.path.basename(tool)).symlink_to(tool)
    monkeypatch.setenv("PATH", str(bindir))
    return request.param


@pytest.fixture(params=["xdg", "home", "write-dir"])
def state(request, project, monkeypatch) -> Path:
    """The apex state directory, placed where the sandbox would show it: named by
    $XDG_STATE_HOME, the default under $HOME, or inside an allowed write directory
    (which is copied in before the run and back after it)."""
    if request.param == "home":
        monkeypatch.delenv("XDG_STATE_HOME", raising=False)
        monkeypatch.setenv("HOME", str(project / "home"))
        directory = project / "home" / ".local" / "state" / "apex"
    else:
        base = project / ("state" if request.param == "xdg" else ".apex/tmp/state")
        monkeypatch.setenv("XDG_STATE_HOME", str(base))
        directory = base / "apex"
    # A key and an anchor exist before the run, as on any machine that used apex.
    AuditLog(str(project / "earlier.jsonl")).append("earlier", outcome="allowed")
    assert (directory / "audit.key").is_file()
    return directory


def test_an_isolated_program_cannot_read_or_replace_the_audit_key(project, backend, state):
    key = (state / "audit.key").read_text()
    report, out, err = run_unguarded(project, ATTACK, str(state))
    assert report.isolation == "full", (report.layers, err)
    assert report.sandbox == backend
    assert report.exit_status == 0, out + err
    assert "LEAK" not in out and key.strip() not in out, out
    assert "listing []" in out or "listing blocked" in out, out
    assert out.count("read blocked") == 2, out
    assert "WROTE" not in out and "write blocked" in out, out
    # The real directory is untouched, also after the write directories were copied back.
    assert (state / "audit.key").read_text() == key
    assert verify(str(project / "earlier.jsonl")).anchored


def test_the_host_still_signs_and_anchors_the_run_s_audit_log(project, backend, state):
    run = apex_run(project, """
        import subprocess, sys
        try:
            subprocess.run(["true"])
        except PermissionError:
            print("refused")
        print("key visible:", open(sys.argv[1] + "/audit.key").read() if
              __import__("os").path.exists(sys.argv[1] + "/audit.key") else None)
    """, str(state))
    assert run.returncode == 0, run.stderr
    assert run.report["isolation"] == {**run.report["isolation"], "level": "full",
                                       "sandbox": backend}
    assert "refused" in run.stdout and "key visible: None" in run.stdout, run.stdout
    log = project / ".apex" / "audit.jsonl"
    result = verify(str(log))
    assert result.ok and result.anchored, result
    records = [json.loads(line) for line in log.read_text().splitlines()[1:]]
    assert [r["operation"] for r in records if r["outcome"] == "denied"] == \
        ["runtime.subprocess"]
    # The same answer from the CLI, which finds the key where the host put it.
    cli = subprocess.run([sys.executable, "-m", "apex_cli", "audit", "verify", str(log)],
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stdout + cli.stderr
