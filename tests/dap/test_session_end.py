"""How a session ends (DAP): terminated, then the editor's disconnect is answered, then the
adapter exits; an editor that never disconnects cannot keep the adapter alive."""
import os
import sys

import pytest

from apex_dap.session import DISCONNECT_GRACE

from .conftest import debuggee, start_launch
from .test_attach_and_lifecycle import _attach_with_breakpoint_at_work, _listening_target

BASIC = debuggee("basic.py")


def _disconnect_after_terminated(client):
    """The editor's half of the end: disconnect after terminated; the answer is a success,
    it comes after terminated, and nothing follows it but the adapter's exit (code 0)."""
    terminated = client.wait_event("terminated")
    # the adapter waits for the editor (a request still gets an answer) ...
    assert client.request("threads", ok=False)["type"] == "response"
    assert client.process.poll() is None
    # ... until disconnect, which it answers before it goes
    response = client.request("disconnect", {"restart": False})
    assert response["success"] and response["command"] == "disconnect"
    assert client.index_of(terminated) < client.index_of(response)
    assert client.process.wait(DISCONNECT_GRACE + 10) == 0  # exits without our closing
    _wait_end_of_stream(client)
    assert client.timeline[-1] is response


def _wait_end_of_stream(client, timeout=10.0):
    with client._cond:
        assert client._cond.wait_for(lambda: client.closed, timeout), "stream still open"


def test_launch_end_answers_disconnect_then_exits(make_client, transport):
    client = make_client(transport)
    start_launch(client, BASIC, args=["2"])
    exited = client.wait_event("exited")
    terminated = client.wait_event("terminated")
    assert exited["body"]["exitCode"] == 0
    assert client.index_of(exited) < client.index_of(terminated)
    _disconnect_after_terminated(client)


def test_attach_end_answers_disconnect_then_exits(make_client, dap_env, tmp_path, transport):
    stop_file = str(tmp_path / "stop")
    with _listening_target(dap_env, sys.executable, "inprocess", stop_file) as (process, port):
        client = make_client(transport)
        client.initialize()
        response = _attach_with_breakpoint_at_work(
            client, {"connect": {"host": "127.0.0.1", "port": port}})
        assert response["success"], response.get("message")
        tid = client.stopped(reason="breakpoint")["threadId"]
        client.request("setBreakpoints", {"source": {"path": process.args[1]}, "breakpoints": []})
        client.request("continue", {"threadId": tid})
        open(stop_file, "w").close()  # the program ends on its own
        assert process.wait(30) == 0
        terminated = client.wait_event("terminated")
        exited = [m for m in client.timeline if m.get("event") == "exited"]
        assert all(client.index_of(m) < client.index_of(terminated) for m in exited)
        _disconnect_after_terminated(client)


def test_terminate_then_disconnect_is_answered(make_client, transport):
    client = make_client(transport)
    start_launch(client, debuggee("spin.py"))
    client.wait_event("output")
    client.request("terminate")
    exited = client.wait_event("exited")
    assert client.index_of(exited) < client.index_of(client.wait_event("terminated"))
    _disconnect_after_terminated(client)


@pytest.mark.parametrize("how", ["close", "silent"])
def test_editor_that_never_disconnects_does_not_keep_the_adapter(make_client, transport, how):
    """``close``: the editor closes its end after terminated (EOF ends the adapter);
    ``silent``: it keeps the stream open and says nothing (the grace period ends it)."""
    client = make_client(transport)
    start_launch(client, BASIC, args=["2"])
    client.wait_event("terminated")
    if how == "close":
        assert client.close(timeout=DISCONNECT_GRACE + 10) == 0
    else:
        assert client.process.wait(DISCONNECT_GRACE + 10) == 0
        _wait_end_of_stream(client)


HISTORY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "timetravel", "debuggees", "history.py")


def test_replay_end_answers_disconnect_then_exits(make_client, transport, tmp_path):
    saved = str(tmp_path / "run.apexrec")
    live = make_client()
    start_launch(live, HISTORY, record=True, breakpoints=["done"])
    live.stopped(reason="breakpoint")
    live.request("apexSaveRecording", {"path": saved})
    # a disconnect while the program is live is answered and ends the adapter too
    response = live.request("disconnect", {"terminateDebuggee": True})
    assert response["success"]
    assert live.process.wait(DISCONNECT_GRACE + 10) == 0

    replay = make_client(transport)
    replay.initialize()
    seq = replay.request_async("launch", {"replay": saved})
    replay.wait_event("initialized")
    mark = replay.mark()
    replay.request("configurationDone")
    assert replay.response(seq)["success"]
    replay.stopped(after=mark, reason="entry")
    replay.request("terminate", {})  # Stop, as VS Code sends it, in a replay
    _disconnect_after_terminated(replay)
