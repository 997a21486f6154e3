"""Attach and the runtime guard, through real DAP attach sessions to a program started
under the harness (boot.py, listening, as with ``apex_harness.listen``).

Attaching installs no guard (docs/debugging.md says why). A program its starter put under
the guard stays under it: the debugger started through the harness is exempt, as in a
launch, while the program and what console expressions do stay policed."""
from __future__ import annotations

import os
import signal
import subprocess

import pytest

from .client import find_marker
from .conftest import INTERPRETERS, debuggee

PROGRAM = debuggee("guarded_listens.py")
POLICY = """\
[tool.apex]
mode = "hybrid"

[tool.apex.capabilities]
subprocess = "deny"
network = { action = "deny", allow = [] }   # not even localhost: pydevd's sockets are exempt
dynamic_code = "deny"                        # so is the code that starts the debugger

[[tool.apex.permissions]]
operations = ["attach", "evaluate"]
"""


def _start(python, project, env, guarded: bool, stop_file: str):
    from apex_host.launch import harness_env, target_command
    from apex_host.runner import load_policy

    guard = None
    if guarded:
        loaded, runtime = load_policy(str(project), None)
        guard = {"policy": runtime, "source": loaded.source,
                 "auditLog": str(project / "program-audit.jsonl")}
    environment = harness_env(env, guard=guard)
    environment.update(APEX_HARNESS_LISTEN="127.0.0.1:0", APEX_HARNESS_TOKEN="h-token")
    process = subprocess.Popen(target_command([PROGRAM, stop_file], python=python),
                               env=environment, cwd=str(project), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    line = process.stderr.readline().decode()
    assert "listening on tcp:127.0.0.1:" in line, line
    return process, int(line.rsplit(":", 1)[1])


@pytest.mark.parametrize("python", INTERPRETERS)
@pytest.mark.parametrize("guarded", [True, False], ids=["guarded", "unguarded"])
def test_attach_keeps_the_programs_own_guard_and_installs_none(make_client, dap_env,
                                                               tmp_path, python, guarded):
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(POLICY)
    stop_file = str(tmp_path / "stop")
    process, port = _start(python, project, dap_env, guarded, stop_file)
    try:
        client = make_client(cwd=str(project))  # the session's policy is POLICY too
        client.initialize()
        seq = client.request_async("attach", {"connect": {"port": port, "token": "h-token",
                                                          "harness": True}})
        client.wait_event("initialized", timeout=60)
        client.request("setBreakpoints", {"source": {"path": PROGRAM}, "breakpoints": [
            {"line": find_marker(PROGRAM, "work")}]})
        client.request("configurationDone")
        response = client.response(seq, timeout=60)
        assert response["success"], response.get("message")
        tid = client.stopped(reason="breakpoint")["threadId"]
        frame = client.top_frame(tid)
        assert client.evaluate("i * 3", frame["id"])["body"]["result"] == "3"
        target = client.request("apexTarget")["body"]
        assert target["harness"]["connections"] == {"opened": 1, "open": 1}
        guard = target["guard"]
        if guarded:
            # The starter's guard, with the debugger exempt: pydevd listened and connected
            # and compiled the expressions above; what an expression does is still policed.
            assert guard["installed"] and guard["mode"] == "hybrid", guard
            assert guard["counts"]["deny"] == 0, guard["recent"]
            denied = client.evaluate("__import__('socket').create_connection(('127.0.0.1', 9))",
                                     frame["id"], ok=False)
            assert "apex runtime guard: network denied" in str(denied), denied
        else:
            assert guard == {"installed": False}  # the session's policy is not imposed
        client.request("disconnect", {"terminateDebuggee": False})
        client.wait_event("terminated")
        open(stop_file, "w").close()
        out = process.communicate(timeout=30)[0].decode()
        assert process.returncode == 0, out
        # after the session, the program is as its starter left it
        network, dynamic = ("PermissionError", "PermissionError") if guarded else \
            ("ConnectionRefusedError", "ok")
        assert f"NETWORK {network}" in out and f"EVAL {dynamic}" in out, out
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def test_attach_by_process_id_to_a_guarded_program_is_refused_up_front(make_client, dap_env,
                                                                       tmp_path):
    """The injection is a statement compiled from a string, which a guard denying
    dynamic_code refuses: the adapter says so before freezing the program (from the
    guard settings the program started with), and the program carries on."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(POLICY)
    stop_file = str(tmp_path / "stop")
    process, _ = _start(INTERPRETERS[0].values[0], project, dap_env, True, stop_file)
    try:
        client = make_client(cwd=str(project))
        client.initialize()
        refused = client.request("attach", {"processId": process.pid}, ok=False)
        assert "denies dynamic_code" in refused["message"], refused
        assert "`connect` and `harness: true`" in refused["message"]
        open(stop_file, "w").close()
        out = process.communicate(timeout=30)[0].decode()
        assert process.returncode == 0 and "NETWORK PermissionError" in out, out
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
