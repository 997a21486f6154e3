"""Saved recordings: apexSaveRecording, then a DAP session over the file without the
program (stepping both ways, breakpoints, stack, variables) that replays identically,
`apex replay FILE`, and clear errors for files of other versions or other kinds."""
import json
import os
import struct
import subprocess
import sys

import pytest

from dap.client import find_marker

from .conftest import INTERPRETERS, program, start_launch
from .helpers import back, forward, here, locals_of

HISTORY = program("history.py")
STEPS_BACK = 14


def walk_back(client, tid, n):
    seen = []
    for _ in range(n):
        back(client, tid)
        seen.append((here(client, tid), locals_of(client, tid)))
    return seen


def start_replay(client, path, breakpoints=()):
    client.initialize()
    seq = client.request_async("launch", {"replay": path})
    client.wait_event("initialized")
    caps = client.wait_event("capabilities")["body"]["capabilities"]
    assert caps["supportsStepBack"] is True
    if breakpoints:
        client.request("setBreakpoints", {"source": {"path": HISTORY}, "breakpoints": [
            {"line": find_marker(HISTORY, b)} for b in breakpoints]})
    mark = client.mark()
    client.request("configurationDone")
    assert client.response(seq)["success"]
    return client.stopped(after=mark, reason="entry")["threadId"]


@pytest.mark.parametrize("python", INTERPRETERS)
def test_saved_recording_replays_identically(make_client, python, tmp_path):
    saved = str(tmp_path / "run.apexrec")
    live = make_client()
    start_launch(live, HISTORY, python=python, record=True, breakpoints=["done"])
    tid = live.stopped(reason="breakpoint")["threadId"]
    body = live.request("apexSaveRecording", {"path": saved})["body"]
    assert body["path"] == saved and body["bytes"] == os.path.getsize(saved) > 16
    at_done = (here(live, tid), locals_of(live, tid))
    live_walk = walk_back(live, tid, STEPS_BACK)
    live.request("disconnect", {"terminateDebuggee": True})

    replay = make_client()
    rtid = start_replay(replay, saved, breakpoints=["done"])
    assert here(replay, rtid)[0] == "<module>"
    assert [t["name"] for t in replay.request("threads")["body"]["threads"]] == ["MainThread"]
    forward(replay, rtid, "continue")
    assert (here(replay, rtid), locals_of(replay, rtid)) == at_done
    assert walk_back(replay, rtid, STEPS_BACK) == live_walk
    # and forward again over main's lines: next is the inverse of stepBack in one frame
    replay.request("setBreakpoints", {"source": {"path": HISTORY}, "breakpoints": [
        {"line": find_marker(HISTORY, "call_collect")}]})
    forward(replay, rtid, "continue")
    assert here(replay, rtid)[:2] == ("main", find_marker(HISTORY, "call_collect"))
    for expected in reversed(live_walk[:2]):
        forward(replay, rtid, "next")
        assert (here(replay, rtid), locals_of(replay, rtid)) == expected
    forward(replay, rtid, "next")
    assert (here(replay, rtid), locals_of(replay, rtid)) == at_done
    # the end of the recording is a stop, not an end of the session
    body = forward(replay, rtid, "next")
    assert body["description"] == "end of the recording"
    assert here(replay, rtid)[1] == find_marker(HISTORY, "done")
    refused = replay.request("source", {"sourceReference": 1}, ok=False)
    assert not refused["success"] and "replaying" in refused["message"]
    # Stop (`terminate`, as VS Code sends it) ends the replay: nothing else would.
    replay.request("terminate", {})
    replay.wait_event("terminated")

    # `apex replay FILE` summarises it
    out = subprocess.run([sys.executable, "-m", "apex_cli", "replay", saved, "--json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["exceptions"] == 1 and summary["threads"][0]["name"] == "MainThread"
    assert {c["function"]: c["calls"] for c in summary["topCalls"]}["fact"] == 4
    assert summary["files"] == [HISTORY]


def _write(path, magic, version, payload=b""):
    with open(path, "wb") as f:
        f.write(struct.pack(">8sH", magic, version) + payload)


@pytest.mark.parametrize("version, words", [(99, "newer"), (0, "older")])
def test_other_format_versions_are_refused_clearly(make_client, tmp_path, version, words):
    from apex_dap.recording_file import MAGIC
    path = str(tmp_path / "other.apexrec")
    _write(path, MAGIC, version, b"anything")
    client = make_client()
    client.initialize()
    response = client.request("launch", {"replay": path}, ok=False)
    assert not response["success"] and words in response["message"]
    out = subprocess.run([sys.executable, "-m", "apex_cli", "replay", path],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and words in out.stderr


def test_files_that_are_not_recordings_are_data_only(tmp_path):
    import pickle
    import zlib

    from apex_dap import recording_file
    from apex_dap.recording_file import MAGIC, FORMAT_VERSION, RecordingError

    marker = tmp_path / "executed"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    cases = {
        "not-magic": b"PK\x03\x04" + b"\0" * 20,
        "pickle": struct.pack(">8sH", MAGIC, FORMAT_VERSION) + zlib.compress(pickle.dumps(Evil())),
        "truncated": struct.pack(">8sH", MAGIC, FORMAT_VERSION) + b"\x78\x9c\x01",
        "bomb": struct.pack(">8sH", MAGIC, FORMAT_VERSION) + zlib.compress(b"\x91" * 1000),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(RecordingError):
            recording_file.load(str(path))
    assert not marker.exists()
