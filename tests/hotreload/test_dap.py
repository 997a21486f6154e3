"""apexHotReload and restartFrame through the real adapter (`apex dap`) and DAP client.

The program runs a loop calling ``work.compute``; the tests pause inside it, edit
work.py, reload, and check what the running program prints.
"""
from __future__ import annotations

import json
import sys

import pytest
from dap.client import find_marker
from dap.conftest import INTERPRETERS, OLDER_INTERPRETERS, dap_env, make_client, output_text, start_launch  # noqa: F401  (fixtures)

from .conftest import edit, write

WORK = '''
def compute(n):
    total = n + 100  # @inside
    return total + helper(n)


def helper(n):
    return 0  # @helper
'''

MAIN = '''
import work

for i in range(3):
    print("RESULT", i, work.compute(i), flush=True)
'''


def _program(tmp_path):
    write(tmp_path / "work.py", WORK)
    write(tmp_path / "main.py", MAIN)
    return str(tmp_path / "main.py"), str(tmp_path / "work.py")


def _paused_in_compute(client, program, work, python, tmp_path, **launch):
    start_launch(client, program, python=python, source=work, breakpoints=["inside"],
                 cwd=str(tmp_path), **launch)
    tid = client.stopped(reason="breakpoint")["threadId"]
    frames = client.frames(tid)
    assert frames[0]["name"] == "compute"
    return tid, frames[0]


def _results(client) -> list[str]:
    return [line for line in output_text(client).splitlines() if line.startswith("RESULT")]


def _continue_to_end(client, tid, work):
    client.request("setBreakpoints", {"source": {"path": work}, "breakpoints": []})
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated")


@pytest.mark.parametrize("python", INTERPRETERS)
def test_reload_while_paused_old_frame_continues(make_client, python, tmp_path):
    program, work = _program(tmp_path)
    client = make_client()
    tid, _ = _paused_in_compute(client, program, work, python, tmp_path)
    edit(work, "n + 100", "n + 200")
    mark = client.mark()
    response = client.request("apexHotReload", {})
    body = response["body"]
    assert body["applied"] and [e["name"] for e in body["patched"]] == ["work.compute"]
    console = client.wait_event("output", after=mark)["body"]
    assert "hot reload of work: patched 1 (work.compute)" in console["output"]
    client.wait_event("invalidated", after=mark)
    client.wait_event("apexHotReload", after=mark)
    _continue_to_end(client, tid, work)
    # The paused call finishes with the code it started with; later calls run the new code.
    assert _results(client) == ["RESULT 0 100", "RESULT 1 201", "RESULT 2 202"]
    audit = [json.loads(line) for line in open(client.session_defaults["auditLog"])]
    reloads = [r for r in audit if r.get("operation") == "hot_reload"]
    assert reloads and reloads[-1]["details"]["diff"]["patched"] == ["work.compute"]


@pytest.mark.parametrize("python", INTERPRETERS + OLDER_INTERPRETERS)
def test_restart_frame_runs_new_code_with_original_arguments(make_client, python, tmp_path):
    program, work = _program(tmp_path)
    client = make_client()
    tid, frame = _paused_in_compute(client, program, work, python, tmp_path)
    edit(work, "n + 100", "n + 200")
    client.request("apexHotReload", {"paths": [work]})
    assert any(m.get("event") == "capabilities"
               and m["body"]["capabilities"].get("supportsRestartFrame")
               for m in client.timeline)
    module_frame = client.frames(tid)[1]
    refused = client.request("restartFrame", {"frameId": module_frame["id"]}, ok=False)
    assert not refused["success"] and "module-level code" in refused["message"]
    mark = client.mark()
    client.request("restartFrame", {"frameId": frame["id"]})
    stopped = client.stopped(after=mark)
    top = client.top_frame(stopped["threadId"])
    assert top["name"] == "compute" and top["line"] == find_marker(work, "inside")
    # The debugger still traces the thread after the restart (before 3.12 CPython turned
    # tracing off when the restart exception left the frame's trace function).
    client.request("setBreakpoints", {"source": {"path": work},
                                      "breakpoints": [{"line": find_marker(work, "helper")}]})
    mark = client.mark()
    client.request("continue", {"threadId": tid})
    assert client.top_frame(client.stopped(after=mark)["threadId"])["name"] == "helper"
    _continue_to_end(client, tid, work)
    # The restarted call ran the new code with its original argument (0).
    assert _results(client) == ["RESULT 0 200", "RESULT 1 201", "RESULT 2 202"]
    assert "sys.settrace" not in output_text(client)


@pytest.mark.parametrize("python", INTERPRETERS)
def test_restart_frame_below_the_top(make_client, python, tmp_path):
    """Paused in helper (called by compute): restarting compute unwinds helper too."""
    program, work = _program(tmp_path)
    client = make_client()
    start_launch(client, program, python=python, source=work, breakpoints=["helper"],
                 cwd=str(tmp_path))
    tid = client.stopped(reason="breakpoint")["threadId"]
    helper, compute = client.frames(tid)[:2]
    assert (helper["name"], compute["name"]) == ("helper", "compute")
    edit(work, "n + 100", "n + 300")
    client.request("apexHotReload", {})
    client.request("setBreakpoints", {"source": {"path": work}, "breakpoints": []})
    mark = client.mark()
    client.request("restartFrame", {"frameId": compute["id"]})
    top = client.top_frame(client.stopped(after=mark)["threadId"])
    assert top["name"] == "compute" and top["line"] == find_marker(work, "inside")
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated")
    assert _results(client) == ["RESULT 0 300", "RESULT 1 301", "RESULT 2 302"]


@pytest.mark.parametrize("python", INTERPRETERS[:1])
def test_syntax_error_reported_nothing_applied(make_client, python, tmp_path):
    program, work = _program(tmp_path)
    client = make_client()
    tid, _ = _paused_in_compute(client, program, work, python, tmp_path)
    edit(work, "n + 100", "n +")
    mark = client.mark()
    body = client.request("apexHotReload", {})["body"]
    assert not body["applied"] and body["errors"][0]["line"] == 3
    output = client.wait_event("output", after=mark)["body"]
    assert output["category"] == "important" and "nothing applied" in output["output"]
    edit(work, "n +", "n + 100")
    _continue_to_end(client, tid, work)
    assert _results(client) == ["RESULT 0 100", "RESULT 1 101", "RESULT 2 102"]


@pytest.mark.parametrize("python", INTERPRETERS[:1])
def test_isolation_mode_refuses_reload_and_restart(make_client, python, tmp_path):
    program, work = _program(tmp_path)
    client = make_client()
    tid, frame = _paused_in_compute(client, program, work, python, tmp_path,
                                    mode="isolation")
    assert not any(m.get("event") == "capabilities" for m in client.timeline)
    edit(work, "n + 100", "n + 200")
    for command, arguments in (("apexHotReload", {}), ("restartFrame", {"frameId": frame["id"]})):
        seq = client.request_async(command, arguments)
        response = client.response(seq)
        assert not response["success"] and "isolation" in response["message"]
    _continue_to_end(client, tid, work)
    assert _results(client)[1] == "RESULT 1 101"


def test_permission_limited_to_paths_allows_reload_and_restart_of_those_files(make_client,
                                                                               tmp_path):
    # Hybrid mode: hot reload and frame restart need a permission, here one for work.py
    # only. The request names no file, so it is checked per file the reload touches.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.apex]\nmode = "hybrid"\n\n[[tool.apex.permissions]]\n'
        'operations = ["hot_reload", "restart_frame"]\npaths = ["work.py"]\n')
    write(tmp_path / "other.py", "VALUE = 1\n")
    program, work = _program(tmp_path)
    client = make_client()
    tid, frame = _paused_in_compute(client, program, work, sys.executable, tmp_path)
    edit(work, "n + 100", "n + 200")
    edit(str(tmp_path / "other.py"), "VALUE = 1", "VALUE = 2")
    body = client.request("apexHotReload", {"paths": [work, str(tmp_path / "other.py")]})["body"]
    assert [e["name"] for e in body["patched"]] == ["work.compute"]
    assert [r["name"] for r in body["refused"]] == [str(tmp_path / "other.py")]
    assert "without a permission for" in body["refused"][0]["reason"]
    mark = client.mark()
    client.request("restartFrame", {"frameId": frame["id"]})
    assert client.top_frame(client.stopped(after=mark)["threadId"])["name"] == "compute"
    _continue_to_end(client, tid, work)
    assert _results(client) == ["RESULT 0 200", "RESULT 1 201", "RESULT 2 202"]
