"""The runtime guard in debug sessions, through a real DAP session (apex dap + debugpy).

The debugger's own machinery is exempt (pydevd's threads and listener, compiling what
the console, hovers and breakpoint conditions evaluate), while the program, and what
evaluated code and ``__repr__`` calls do on the paused thread, stay policed."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from apex_policy.audit import verify

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dap.client import DapClient, find_marker  # noqa: E402

DEBUGGEE = Path(__file__).parent / "debuggees" / "guarded.py"

HYBRID = """\
[tool.apex]
mode = "hybrid"

[tool.apex.capabilities]
subprocess = "deny"
network = { action = "deny", allow = [] }    # not even localhost: pydevd's sockets are exempt
dynamic_code = "deny"                         # the debugger's own compile() is exempt
native_code = "deny"
filesystem_write = { action = "deny", allow = [] }

[[tool.apex.permissions]]
operations = ["evaluate", "state_edit"]
"""


@pytest.fixture(params=[sys.executable, "/root/.pyenv/versions/3.13.0/bin/python3"],
                ids=["py3.11", "py3.13"])
def target(request) -> str:
    if not os.path.exists(request.param):
        pytest.skip(f"{request.param} is not installed here")
    return request.param


@pytest.fixture
def session(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home))
    clients = []

    def start(pyproject: str) -> tuple[DapClient, Path]:
        project = tmp_path / "project"
        project.mkdir(exist_ok=True)
        (project / "pyproject.toml").write_text(pyproject)
        program = project / "guarded.py"
        shutil.copy(DEBUGGEE, program)
        client = DapClient.stdio(env, str(project))
        clients.append(client)
        return client, program

    yield start
    for client in clients:
        client.close(timeout=10)


def _launch(client: DapClient, program: Path, python: str, breakpoints: list,
            source: Path | None = None, **extra) -> None:
    client.initialize()
    seq = client.request_async("launch", {"program": str(program), "python": python,
                                          "console": "internalConsole", **extra})
    client.wait_event("initialized")
    client.request("setBreakpoints", {"source": {"path": str(source or program)},
                                      "breakpoints": breakpoints})
    client.request("configurationDone")
    launched = client.response(seq)
    assert launched["success"], launched.get("message")


def _output(client: DapClient) -> str:
    return "".join(m["body"]["output"] for m in client.timeline if m.get("event") == "output")


def test_debugger_works_and_the_program_stays_guarded(session, target):
    client, program = session(HYBRID)
    path = str(program)
    _launch(client, program, target, [
        {"line": find_marker(path, "cond"), "condition": "i == 3"},
        {"line": find_marker(path, "log"), "logMessage": "LOG x={x}"},
        {"line": find_marker(path, "stop")}],
        # The program's own state dir differs: its guard still signs with the adapter's key.
        env={"XDG_STATE_HOME": str(program.parent / "elsewhere")})

    # A breakpoint condition is compiled and evaluated by the debugger: not dynamic code.
    thread = client.stopped(reason="breakpoint")["threadId"]
    frame = client.top_frame(thread)
    assert frame["line"] == find_marker(path, "cond")
    assert client.evaluate("i", frame["id"], context="hover")["body"]["result"] == "3"
    local = client.variables(client.scopes(frame["id"])["Locals"])
    # The variables view ran the program's __repr__ on the paused thread: policed.
    assert local["sneaky"]["value"] == "Sneaky(refused)"
    assert local["out"]["value"] == "[45]"           # a program thread ran normally

    mark = client.mark()
    client.request("continue", {"threadId": thread})
    thread = client.stopped(after=mark, reason="breakpoint")["threadId"]
    frame = client.top_frame(thread)
    assert client.evaluate("x + 1", frame["id"], context="repl")["body"]["result"] == "21"
    # What an evaluated expression does is the program's business.
    spawned = client.evaluate("__import__('subprocess').run(['true'])", frame["id"],
                              context="repl", ok=False)
    assert not spawned["success"]
    assert "subprocess denied by the policy (pyproject.toml [tool.apex])" in \
        spawned["message"]
    written = client.evaluate("open('written.txt', 'w')", frame["id"], context="repl",
                              ok=False)
    assert "filesystem_write denied" in written["message"]
    assert not (program.parent / "written.txt").exists()
    # A state edit: the editor's helper compiling the value is the debugger's work...
    local = client.scopes(frame["id"])["Locals"]
    client.request("setVariable", {"variablesReference": local, "name": "x", "value": "99"})
    # ...what the value's code does is not.
    evil = client.request("setVariable", {"variablesReference": local, "name": "x",
                                          "value": "__import__('os').system('true')"},
                          ok=False)
    assert "subprocess denied by the policy" in evil["message"]

    client.request("continue", {"threadId": thread})
    client.wait_event("terminated")
    output = _output(client)
    assert "PROGRAM refused: apex runtime guard: subprocess denied" in output
    assert "LOG x=10" in output and "result 99" in output
    guard_events = [m["body"]["body"] for m in client.timeline
                    if m.get("event") == "apexHarness" and m["body"]["event"] == "guard"]
    assert {e["capability"] for e in guard_events} == {"subprocess", "filesystem_write"}

    log = program.parent / ".apex" / "audit.jsonl"
    assert verify(str(log)).anchored, verify(str(log))   # adapter and guard: one chain
    records = [json.loads(line) for line in log.read_text().splitlines()[1:]]
    runtime = {(r["operation"], r["outcome"]) for r in records
               if r["operation"].startswith("runtime.")}
    # Only the program's own attempts: nothing from pydevd (sockets, compile, threads).
    assert runtime == {("runtime.subprocess", "denied"), ("runtime.filesystem_write", "denied")}
    assert ("state_edit", "allowed") in {(r["operation"], r["outcome"]) for r in records}


def test_isolation_session_starts_and_guards(session):
    client, program = session('[tool.apex]\nmode = "isolation"\n')
    path = str(program)
    _launch(client, program, sys.executable, [{"line": find_marker(path, "stop")}])
    thread = client.stopped(reason="breakpoint")["threadId"]
    frame = client.top_frame(thread)
    assert client.evaluate("x", frame["id"], context="hover")["body"]["result"] == "20"
    client.request("continue", {"threadId": thread})
    client.wait_event("terminated")
    assert "PROGRAM refused: apex runtime guard: subprocess denied" in _output(client)


WORK = "def compute(n):\n    total = n + 100  # @inside\n    return total\n"
MAIN = "import work\n\nfor i in range(3):\n    print('RESULT', i, work.compute(i), flush=True)\n"


def test_hot_reload_and_restart_frame_under_the_guard(session):
    client, program = session(HYBRID.replace('"state_edit"]', '"hot_reload", "restart_frame"]'))
    work, main = program.parent / "work.py", program.parent / "main.py"
    work.write_text(WORK)
    main.write_text(MAIN)
    _launch(client, main, sys.executable, [{"line": find_marker(str(work), "inside")}],
            source=work, cwd=str(program.parent))
    thread = client.stopped(reason="breakpoint")["threadId"]
    work.write_text(WORK.replace("n + 100", "n + 200"))
    assert client.request("apexHotReload", {})["body"]["applied"]   # compiles: exempt
    frame = client.frames(thread)[0]
    mark = client.mark()
    client.request("restartFrame", {"frameId": frame["id"]})
    thread = client.stopped(after=mark)["threadId"]
    client.request("setBreakpoints", {"source": {"path": str(work)}, "breakpoints": []})
    client.request("continue", {"threadId": thread})
    client.wait_event("terminated")
    results = [line for line in _output(client).splitlines() if line.startswith("RESULT")]
    assert results == ["RESULT 0 200", "RESULT 1 201", "RESULT 2 202"]
