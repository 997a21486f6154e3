"""The audit log anchored outside its file: a per-user key (MACs) and a head anchor show
records cut from the end, a replaced or deleted log and forged records; old logs stay
readable and are called unanchored. Checked through the API and the real `apex` CLI."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from apex_policy.audit import AuditLog, record_hash, verify
from apex_policy.audit_anchor import AnchorStore


def apex(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "apex_cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def write_log(path: Path, count: int = 4, **kwargs) -> Path:
    log = AuditLog(str(path), actor="alice", mode="hybrid", **kwargs)
    for index in range(count):
        log.append("state_edit", outcome="allowed", target=f"app.py:{index}")
    return path


@pytest.fixture
def log(tmp_path) -> Path:
    return write_log(tmp_path / ".apex" / "audit.jsonl")


def _lines(path: Path) -> list:
    return path.read_bytes().splitlines(keepends=True)


def test_key_and_anchor_live_in_the_state_dir_private_to_the_user(log, state_home):
    key = state_home / "apex" / "audit.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((state_home / "apex").stat().st_mode) == 0o700
    anchors = list((state_home / "apex" / "anchors").iterdir())
    assert len(anchors) == 1
    anchor = json.loads(anchors[0].read_text())
    last = json.loads(_lines(log)[-1])
    assert (anchor["seq"], anchor["hash"], anchor["log"]) == (4, last["hash"],
                                                              os.path.realpath(log))
    assert all("mac" in json.loads(line) for line in _lines(log))
    assert key.read_text().strip() not in log.read_text()   # the log never holds the key


def test_intact_log_is_anchored(log, tmp_path):
    run = apex("audit", "verify", str(log), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"{log}: intact, 4 records, anchored")


def test_records_cut_from_the_end_are_reported(log, tmp_path):
    lines = _lines(log)
    log.write_bytes(b"".join(lines[:-2]))     # a valid prefix: the chain alone cannot tell
    result = verify(str(log))
    assert not result.ok and result.records == 2
    assert result.reason.startswith("records 3-4 were cut from the end")
    run = apex("audit", "verify", str(log), cwd=tmp_path)
    assert run.returncode == 1
    assert f"{log}:4: broken: records 3-4 were cut from the end" in run.stderr


def test_a_log_cut_to_its_header_is_reported(log):
    log.write_bytes(_lines(log)[0])
    result = verify(str(log))
    assert not result.ok and "records 1-4 were cut" in result.reason


def test_a_self_consistent_replacement_is_reported(log, tmp_path):
    # An attacker who can write the log but not the state dir writes a fresh, valid log
    # with their own key and puts it in place.
    forged = write_log(tmp_path / "forged.jsonl", 6,
                       anchors=AnchorStore(str(tmp_path / "attacker-state")))
    assert verify(str(forged), anchors=AnchorStore(str(tmp_path / "attacker-state"))).anchored
    shutil.copyfile(forged, log)
    result = verify(str(log))
    assert not result.ok and result.line == 1
    assert result.reason.startswith("the log was replaced: the anchor for this path belongs "
                                    "to another log")


def test_a_replacement_in_the_old_format_is_reported(log, tmp_path):
    forged = write_log(tmp_path / "forged.jsonl", 4, anchored=False)
    shutil.copyfile(forged, log)
    result = verify(str(log))
    assert not result.ok and "the log was replaced" in result.reason


def test_a_record_appended_without_the_key_is_reported(log):
    last = json.loads(_lines(log)[-1])
    forged = {k: v for k, v in last.items() if k not in ("hash", "mac")}
    forged.update(seq=5, prev=last["hash"], operation="nothing_to_see")
    forged["hash"] = record_hash(forged)      # chain-valid, but no MAC
    with open(log, "ab") as handle:
        handle.write(json.dumps(forged, sort_keys=True).encode() + b"\n")
    result = verify(str(log))
    assert not result.ok and result.line == 6 and "not authenticated" in result.reason


def test_a_deleted_log_is_reported(log, tmp_path):
    log.unlink()
    result = verify(str(log))
    assert not result.ok and result.reason.startswith("the log is missing, but its anchor "
                                                      "says it held 4 record(s)")
    run = apex("audit", "verify", str(log), cwd=tmp_path)
    assert run.returncode == 1 and "deleted or moved" in run.stderr
    assert apex("audit", "verify", str(tmp_path / "never.jsonl"), cwd=tmp_path).returncode == 2


def test_a_new_log_where_an_anchored_one_was_says_so(log):
    log.unlink()
    write_log(log, 1)
    header = json.loads(_lines(log)[0])
    assert header["previous"]["seq"] == 4
    result = verify(str(log))
    assert result.anchored
    assert any("replaced an earlier one at this path" in note and "4 record(s)" in note
               for note in result.notes)


def test_a_modified_anchor_is_reported(log, state_home):
    anchor_file = next((state_home / "apex" / "anchors").iterdir())
    anchor = json.loads(anchor_file.read_text())
    anchor["seq"] = 2
    anchor_file.write_text(json.dumps(anchor))
    result = verify(str(log))
    assert not result.ok and "does not verify with your key" in result.reason


def test_old_format_logs_stay_readable_and_are_unanchored(tmp_path):
    old = write_log(tmp_path / "old.jsonl", 3, anchored=False)
    assert json.loads(_lines(old)[0])["apex_audit"] == 1
    AuditLog(str(old)).append("hot_reload", outcome="allowed")   # keeps its own format
    assert "mac" not in json.loads(_lines(old)[-1])
    result = verify(str(old))
    assert result.ok and not result.anchored and result.records == 4
    assert "format-1 log" in result.reason
    run = apex("audit", "verify", str(old), cwd=tmp_path)
    assert run.returncode == 3
    assert "intact chain, 4 records, UNANCHORED: a format-1 log" in run.stdout
    shown = apex("audit", "show", str(old), cwd=tmp_path)
    assert shown.returncode == 0 and "(format 1, unanchored)" in shown.stdout
    assert "hot_reload -> allowed" in shown.stdout


def test_a_moved_log_verifies_its_chain_but_is_unanchored(log, tmp_path):
    moved = tmp_path / "archive.jsonl"
    shutil.move(str(log), moved)
    result = verify(str(moved))
    assert result.ok and not result.anchored and "no anchor for this path" in result.reason


def test_without_the_key_the_chain_is_still_checked(log, tmp_path):
    elsewhere = AnchorStore(str(tmp_path / "other-machine"))
    result = verify(str(log), anchors=elsewhere)
    assert result.ok and not result.anchored
    assert any("no audit key" in note for note in result.notes)
    lines = _lines(log)
    del lines[2]
    log.write_bytes(b"".join(lines))
    assert not verify(str(log), anchors=elsewhere).ok


def test_without_a_usable_state_dir_the_log_is_still_written(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    log = write_log(tmp_path / "a.jsonl", 2, anchors=AnchorStore(str(blocker / "apex")))
    assert json.loads(_lines(log)[0])["apex_audit"] == 1   # never lose a record
    assert verify(str(log)).ok


def test_state_dir_follows_xdg():
    from apex_policy.audit_anchor import state_dir
    assert state_dir({"XDG_STATE_HOME": "/srv/state"}) == "/srv/state/apex"
    default = os.path.join(os.path.expanduser("~"), ".local", "state", "apex")
    assert state_dir({"XDG_STATE_HOME": "relative/ignored"}) == default   # as the spec says
    assert state_dir({}) == default
