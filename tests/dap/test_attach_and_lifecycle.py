"""Attach by connect, and the session's life cycle: no hang, no orphan, no paused target."""
import contextlib
import os
import signal
import subprocess
import sys

import pytest

from apex_dap.engine.target import pid_alive

from .client import DEFAULT_TIMEOUT, find_marker
from .conftest import INTERPRETERS, debuggee, output_text, start_launch

LISTENS = debuggee("listens.py")
SPIN = debuggee("spin.py")


@contextlib.contextmanager
def _listening_target(env, python, mode, stop_file):
    """listens.py waiting for a debugger; its process group is killed at the end
    unless it has already exited."""
    process = subprocess.Popen([python, LISTENS, mode, stop_file], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        line = process.stdout.readline().decode()
        assert line.startswith("LISTENING"), line
        yield process, int(line.split()[1])
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def _attach_with_breakpoint_at_work(client, arguments, timeout=DEFAULT_TIMEOUT):
    """attach, then (after `initialized`) a breakpoint at listens.py's `work` marker and
    configurationDone; returns the attach response."""
    seq = client.request_async("attach", arguments)
    initialized = client.wait_event("initialized", timeout=timeout)
    client.request("setBreakpoints", {"source": {"path": LISTENS},
                                      "breakpoints": [{"line": find_marker(LISTENS, "work")}]})
    done = client.request("configurationDone")
    assert client.index_of(initialized) < client.index_of(done)
    return client.response(seq, timeout=timeout)


def _wait_gone(pid, timeout):
    import psutil
    try:
        psutil.Process(pid).wait(timeout)
    except psutil.NoSuchProcess:
        pass


@pytest.mark.parametrize("python", INTERPRETERS)
@pytest.mark.parametrize("mode", ["inprocess", "adapter"])
def test_attach_connect_breakpoint_edit_detach(make_client, dap_env, tmp_path, python, mode):
    stop_file = str(tmp_path / "stop")
    with _listening_target(dap_env, python, mode, stop_file) as (process, port):
        client = make_client()
        client.initialize()
        response = _attach_with_breakpoint_at_work(
            client, {"connect": {"host": "127.0.0.1", "port": port}})
        assert response["success"], response.get("message")
        tid = client.stopped(reason="breakpoint")["threadId"]
        frame = client.top_frame(tid)
        assert client.evaluate("i", frame["id"], context="hover")["body"]["result"] == "1"
        client.request("setExpression", {"expression": "i", "value": "5", "frameId": frame["id"]})
        mark = client.mark()
        client.request("next", {"threadId": tid})
        client.stopped(after=mark, reason="step")
        frame = client.top_frame(tid)
        assert client.evaluate("value", frame["id"], context="hover")["body"]["result"] == "10"
        # detaching leaves the program running, not paused
        client.request("disconnect", {"terminateDebuggee": False})
        client.wait_event("terminated")
        open(stop_file, "w").close()
        assert process.wait(30) == 0
        assert "finished" in process.stdout.read().decode()


def test_attach_connect_refuses_non_loopback(make_client):
    client = make_client()
    client.initialize()
    response = client.request("attach", {"connect": {"host": "10.1.2.3", "port": 5678}}, ok=False)
    assert "loopback" in response["message"]
    response = client.request("attach", {"connect": {"host": "127.0.0.1", "port": 1}}, ok=False)
    assert "cannot connect" in response["message"]


def test_target_killed_mid_session(make_client):
    client = make_client()
    start_launch(client, SPIN)
    pid = client.wait_event("process")["body"]["systemProcessId"]
    client.wait_event("output")
    os.kill(pid, signal.SIGKILL)
    exited = client.wait_event("exited")
    terminated = client.wait_event("terminated")
    assert exited["body"]["exitCode"] == -signal.SIGKILL
    assert client.index_of(exited) < client.index_of(terminated)
    assert client.close() == 0  # the adapter exits cleanly


@pytest.mark.parametrize("terminate", [True, False])
def test_editor_disappears_while_paused(make_client, terminate, tmp_path):
    client = make_client()
    program = debuggee("basic.py")
    start_launch(client, program, breakpoints=["add"], terminateDebuggee=terminate, args=["2"])
    client.stopped(reason="breakpoint")
    pid = client.wait_event("process")["body"]["systemProcessId"]
    assert client.close() == 0
    if terminate:
        assert not pid_alive(pid)
    else:
        _wait_gone(pid, 30)  # resumed: breakpoints gone, the program runs to its end
        assert not pid_alive(pid)


def test_resources_events(make_client):
    client = make_client()
    start_launch(client, SPIN, resourcesInterval=0.25)
    event = client.wait_event("apexResources")["body"]
    assert event["rssBytes"] > 0 and event["threads"] >= 1 and "cpuPercent" in event
    client.request("terminate")
    client.wait_event("terminated")


def test_program_that_fails_to_start_is_reported(make_client, tmp_path):
    client = make_client()
    client.initialize()
    response = client.request("launch", {"program": debuggee("basic.py"),
                                         "python": str(tmp_path / "no-python")}, ok=False)
    assert "interpreter not found" in response["message"]
    fake = tmp_path / "fake-python"
    fake.write_text("#!/bin/sh\necho broken interpreter >&2\nexit 3\n")
    fake.chmod(0o755)
    response = client.request("launch", {"program": debuggee("basic.py"),
                                         "python": str(fake)}, ok=False)
    assert "exited with code 3" in response["message"]
    assert "broken interpreter" in output_text(client)


def _attach_by_pid_available():
    try:
        import apex_host.attach  # noqa: F401
    except ImportError:
        return "apex_host.attach (harness injection) is not available"
    import apex_host.attach as host_attach
    needed = ("injected_code", "find_working_gdb", "_run_gdb", "gdb_candidates")
    missing = [name for name in needed if not hasattr(host_attach, name)]
    if missing:
        return f"apex_host.attach lacks {missing}"
    if not host_attach.gdb_candidates():
        return "no gdb for injection (scripts/setup installs gdb-for-pwndbg)"
    return None


@pytest.mark.parametrize("python", INTERPRETERS)
def test_attach_by_process_id(make_client, dap_env, tmp_path, python):
    missing = _attach_by_pid_available()
    if missing:
        pytest.skip(missing)
    stop_file = str(tmp_path / "stop")
    with _listening_target(dap_env, python, "none", stop_file) as (process, _):
        client = make_client()
        client.initialize()
        response = _attach_with_breakpoint_at_work(client, {"processId": process.pid},
                                                   timeout=60)
        assert response["success"], response.get("message")
        tid = client.stopped(reason="breakpoint")["threadId"]
        frame = client.top_frame(tid)
        assert client.evaluate("i", frame["id"], context="hover")["body"]["result"] == "1"
        target = client.request("apexTarget")["body"]
        assert target["harness"]["pid"] == process.pid
        assert target["harness"]["connections"] == {"opened": 1, "open": 1}
        names = [t["name"] for t in client.request("threads")["body"]["threads"]]
        assert not any(name.startswith("apex-") for name in names), names
        client.request("disconnect", {"terminateDebuggee": False})
        client.wait_event("terminated")
        open(stop_file, "w").close()
        assert process.wait(30) == 0


def test_editor_disappears_during_attach_program_resumes(make_client, dap_env, tmp_path):
    stop_file = str(tmp_path / "stop")
    with _listening_target(dap_env, sys.executable, "inprocess", stop_file) as (process, port):
        client = make_client()
        client.initialize()
        _attach_with_breakpoint_at_work(client, {"connect": {"host": "127.0.0.1", "port": port}})
        client.stopped(reason="breakpoint")
        assert client.close() == 0  # the editor vanishes while the program is paused
        open(stop_file, "w").close()
        assert process.wait(30) == 0  # resumed, breakpoints gone: it runs to its end


def test_adapter_killed_outright_takes_the_launched_program_with_it(make_client):
    client = make_client()
    start_launch(client, SPIN)
    pid = client.wait_event("process")["body"]["systemProcessId"]
    client.wait_event("output")
    os.kill(client.process.pid, signal.SIGKILL)  # no chance to clean up
    _wait_gone(pid, 15)
    assert not pid_alive(pid)


def test_debugpy_failure_is_reported_not_hung_on(make_client):
    client = make_client()
    start_launch(client, SPIN, stopOnEntry=True)
    tid = client.stopped(reason="entry")["threadId"]
    frame = client.top_frame(tid)
    # Break debugpy's side of the connection from inside the program.
    response = client.request("evaluate", {
        "expression": "__import__('pydevd').get_global_debugger().writer.sock.shutdown(2)",
        "frameId": frame["id"], "context": "repl"}, ok=False)
    assert response["type"] == "response"
    lost = client.wait_for(lambda m: m.get("event") == "output"
                           and "connection to debugpy" in m["body"]["output"])
    assert lost["body"]["category"] == "important"
    client.wait_event("terminated")
    assert client.close() == 0


@pytest.mark.parametrize("python", INTERPRETERS)
def test_attach_connect_to_apex_harness_listen(make_client, dap_env, tmp_path, python):
    # No gdb: the harness starts pydevd itself (debugger.start).
    from apex_host import ADAPTER_DIR
    env = dict(dap_env, APEX_TEST_ADAPTER_DIR=ADAPTER_DIR, APEX_TEST_HARNESS_TOKEN="h-token")
    stop_file = str(tmp_path / "stop")
    with _listening_target(env, python, "harness", stop_file) as (process, port):
        client = make_client()
        client.initialize()
        wrong = client.request("attach", {"connect": {"port": port, "token": "nope",
                                                      "harness": True}}, ok=False)
        assert "token" in wrong["message"]
        response = _attach_with_breakpoint_at_work(
            client, {"connect": {"port": port, "token": "h-token", "harness": True}}, timeout=60)
        assert response["success"], response.get("message")
        tid = client.stopped(reason="breakpoint")["threadId"]
        frame = client.top_frame(tid)
        assert client.evaluate("i", frame["id"], context="hover")["body"]["result"] == "1"
        harness = client.request("apexTarget")["body"]["harness"]
        assert harness["pid"] == process.pid
        # one link into the program, pydevd started through it; the refused hello
        # (wrong token) never became a session
        assert harness["connections"] == {"opened": 1, "open": 1}
        client.request("disconnect", {"terminateDebuggee": False})
        client.wait_event("terminated")
        open(stop_file, "w").close()
        assert process.wait(30) == 0
