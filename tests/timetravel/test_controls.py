"""Time-travel controls over DAP: the policy gates, capabilities only with a recording,
apexRecord pausing the recorder, apexTimeline, restartFrame with recorded arguments."""
import shutil

import pytest

from dap.client import find_marker

from .conftest import INTERPRETERS, program, start_launch
from .helpers import back, here, locals_of, output_text

HISTORY = program("history.py")


def _project(tmp_path, policy: str) -> str:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(policy)
    target = project / "history.py"
    shutil.copy(HISTORY, target)
    return str(target)


def test_time_travel_denied_by_policy(make_client, tmp_path):
    target = _project(tmp_path, '[tool.apex]\nmode = "development"\n\n'
                                '[tool.apex.debug]\ntime_travel = "deny"\n')
    client = make_client()
    client.initialize()
    response = client.request("launch", {"program": target, "record": True,
                                         "console": "internalConsole"}, ok=False)
    assert not response["success"] and "time travel" in response["message"]


def test_no_step_back_without_a_recording(make_client):
    client = make_client()
    caps = client.initialize()
    assert caps["supportsStepBack"] is False
    start_launch(client, HISTORY, breakpoints=["total"])
    tid = client.stopped(reason="breakpoint")["threadId"]
    # Other features (frame restart) may announce themselves; step back must not.
    assert not any(m.get("event") == "capabilities"
                   and m["body"]["capabilities"].get("supportsStepBack")
                   for m in client.timeline)
    refused = client.request("stepBack", {"threadId": tid}, ok=False)
    assert not refused["success"] and '"record": true' in refused["message"]
    refused = client.request("apexRecord", {"enabled": True}, ok=False)
    assert not refused["success"] and "record" in refused["message"]
    client.request("disconnect", {"terminateDebuggee": True})


@pytest.mark.parametrize("python", INTERPRETERS)
def test_record_pause_timeline_and_restart_frame(make_client, python, tmp_path):
    client = make_client()
    start_launch(client, HISTORY, python=python, record=True,
                 breakpoints=["items_init", "risky_return"], auditLog=str(tmp_path / "audit.jsonl"))
    caps = client.wait_for(
        lambda m: m.get("event") == "capabilities"
        and "supportsStepBack" in m["body"]["capabilities"],
        30, "capabilities with supportsStepBack")["body"]["capabilities"]
    assert caps == {"supportsStepBack": True, "supportsRestartFrame": True}
    tid = client.stopped(reason="breakpoint")["threadId"]
    # pause recording across collect(): its loop leaves no history
    assert client.request("apexRecord", {"enabled": False})["body"]["recording"] is False
    mark = client.mark()
    client.request("continue", {"threadId": tid})
    client.stopped(after=mark, reason="breakpoint")
    assert client.request("apexRecord", {"enabled": True})["body"]["recording"] is True
    timeline = client.request("apexTimeline", {})["body"]
    kinds = [(i["kind"], i.get("name")) for i in timeline["items"]]
    # collect() was entered before the pause; risky() ran while recording was paused
    assert ("call", "collect") in kinds and ("call", "risky") not in kinds
    assert ("breakpoint", "collect") in kinds
    mark = client.mark()
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated", after=mark)
    assert "RESULT 30 24 -5 True" in output_text(client)


@pytest.mark.parametrize("python", INTERPRETERS)
def test_restart_frame_reenters_with_recorded_arguments(make_client, python, tmp_path):
    client = make_client()
    start_launch(client, HISTORY, python=python, record=True, breakpoints=["risky_return"],
                 auditLog=str(tmp_path / "audit.jsonl"))
    tid = client.stopped(reason="breakpoint")["threadId"]
    assert locals_of(client, tid)["x"] == "-5"
    timeline = client.request("apexTimeline", {"kinds": ["exception"]})["body"]
    assert [(i["kind"], i["name"], i["line"]) for i in timeline["items"]] == [
        ("exception", "risky", find_marker(HISTORY, "raise"))]
    assert "bad 5" in timeline["items"][0]["text"]
    frame = client.top_frame(tid)
    mark = client.mark()
    body = client.request("restartFrame", {"frameId": frame["id"]})["body"]
    assert body == {"restoredArguments": ["x"], "notRestored": []}
    client.stopped(after=mark)
    name, line, _ = here(client, tid)
    assert (name, line) == ("risky", find_marker(HISTORY, "raise") - 1)
    assert locals_of(client, tid)["x"] == "5"
    edits = client.request("apexTimeline", {"kinds": ["stateEdit"]})["body"]["items"]
    assert len(edits) == 1 and '"x"' in edits[0]["text"]
    # the restarted call runs again and reaches the breakpoint with the same result
    mark = client.mark()
    client.request("continue", {"threadId": tid})
    client.stopped(after=mark, reason="breakpoint")
    assert locals_of(client, tid)["x"] == "-5"
    # and the past shows the re-run: stepping back reaches the handler line
    back(client, tid)
    assert here(client, tid)[1] == find_marker(HISTORY, "handled")
    client.request("disconnect", {"terminateDebuggee": True})
