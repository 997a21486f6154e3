"""The hash chain catches edits, cuts, deletions and reordering; concurrent writers stay chained."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apex_policy.audit import AuditLog, verify
from apex_policy.audit_anchor import AnchorStore

SERVER = str(Path(__file__).resolve().parents[2] / "server")


@pytest.fixture
def log(tmp_path):
    audit = AuditLog(str(tmp_path / ".apex" / "audit.jsonl"), actor="alice", mode="hybrid")
    for index in range(5):
        audit.append("state_edit", outcome="allowed", target=f"app.py:{index}",
                     details={"name": "x", "value": index})
    return Path(audit.path)


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_intact_log_verifies(log):
    result = verify(str(log))
    assert result.ok and result.anchored and result.records == 5, result
    header, *records = [json.loads(line) for line in _lines(log)]
    assert len(header["nonce"]) == 32
    assert records[0]["prev"] == header["hash"]
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert {r["actor"] for r in records} == {"alice"}
    assert set(records[0]) >= {"ts", "actor", "mode", "operation", "target", "outcome",
                               "details", "prev", "hash"}


def test_edited_record_is_named(log):
    lines = _lines(log)
    lines[3] = lines[3].replace(b'"value":2', b'"value":7')
    log.write_bytes(b"".join(lines))
    result = verify(str(log))
    assert not result.ok and result.line == 4 and "modified" in result.reason


def test_recomputed_hash_fails_its_mac_and_breaks_the_chain(log, tmp_path):
    from apex_policy.audit import record_hash
    lines = _lines(log)
    record = json.loads(lines[2])
    record["outcome"] = "denied"
    record["hash"] = record_hash(record)
    lines[2] = json.dumps(record, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    log.write_bytes(b"".join(lines))
    result = verify(str(log))
    assert not result.ok and result.line == 3 and "not authenticated" in result.reason
    # Without the key (another machine), the chain still catches it at the next record.
    keyless = verify(str(log), anchors=AnchorStore(str(tmp_path / "no-state")))
    assert not keyless.ok and keyless.line == 4 and "does not follow" in keyless.reason


def test_deleted_record(log):
    lines = _lines(log)
    del lines[2]
    log.write_bytes(b"".join(lines))
    result = verify(str(log))
    assert not result.ok and result.line == 3


def test_reordered_records(log):
    lines = _lines(log)
    lines[2], lines[3] = lines[3], lines[2]
    log.write_bytes(b"".join(lines))
    result = verify(str(log))
    assert not result.ok and result.line == 3 and "reordered" in result.reason


def test_truncated_in_the_middle(log):
    data = log.read_bytes()
    middle = len(data) // 2
    log.write_bytes(data[:middle] + data[middle + 40:])
    result = verify(str(log))
    assert not result.ok and result.line is not None and result.line > 1


def test_truncated_last_line(log):
    data = log.read_bytes()
    log.write_bytes(data[:-20])
    result = verify(str(log))
    assert not result.ok and result.line == 6 and "incomplete" in result.reason


def test_tampered_header(log):
    lines = _lines(log)
    header = json.loads(lines[0])
    header["nonce"] = "0" * 32
    lines[0] = json.dumps(header).encode() + b"\n"
    log.write_bytes(b"".join(lines))
    result = verify(str(log))
    assert not result.ok and result.line == 1


def test_missing_and_empty(tmp_path):
    assert not verify(str(tmp_path / "nope.jsonl")).ok
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert not verify(str(empty)).ok


def test_writer_recovers_after_a_torn_line(log):
    with open(log, "ab") as handle:
        handle.write(b'{"seq": 6, "partial')
    AuditLog(str(log)).append("hot_reload", outcome="allowed")
    result = verify(str(log))
    assert not result.ok and result.line == 7  # the torn line is reported, not hidden
    assert json.loads(_lines(log)[-1])["operation"] == "hot_reload"  # not glued to it


_WRITER = """
import sys
sys.path.insert(0, {server!r})
from apex_policy.audit import AuditLog
log = AuditLog(sys.argv[1], actor=sys.argv[2])
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()
for i in range(int(sys.argv[3])):
    log.append("evaluate", outcome="allowed", target=sys.argv[2], details={{"i": i, "pad": "x" * 3000}})
"""


def test_two_processes_append_concurrently(tmp_path):
    path = str(tmp_path / "audit.jsonl")
    count = 150
    script = _WRITER.format(server=SERVER)
    procs = [subprocess.Popen([sys.executable, "-c", script, path, name, str(count)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for name in ("one", "two")]
    try:
        for proc in procs:
            assert proc.stdout.readline() == "ready\n"
        for proc in procs:  # release both at once so their appends overlap
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for proc in procs:
            assert proc.wait(timeout=60) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    result = verify(path)
    assert result.anchored, result   # the anchor followed the last writer
    assert result.records == 2 * count
    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle][1:]
    assert sorted(r["target"] for r in records).count("one") == count
    assert [r["seq"] for r in records] == list(range(1, 2 * count + 1))
    assert len({r["pid"] for r in records}) == 2


def test_free_form_write_keeps_the_chain(tmp_path):
    log = AuditLog(str(tmp_path / "audit.jsonl"), actor="adapter")
    log.write({"event": "setVariable", "component": "apex_dap", "target": "x",
               "details": {"old": 1, "new": 2}})
    log.write({"operation": "hot_reload", "outcome": "refused", "mode": "isolation"})
    assert verify(log.path).ok
    records = [json.loads(line) for line in _lines(Path(log.path))][1:]
    assert records[0]["operation"] == "setVariable"
    assert records[0]["details"] == {"component": "apex_dap", "old": 1, "new": 2}
    assert (records[1]["outcome"], records[1]["mode"]) == ("refused", "isolation")
