"""Launch sessions through `apex dap`: the ordinary debugging a debugpy user expects."""

import pytest

from .client import find_marker
from .conftest import INTERPRETERS, debuggee, output_text, start_launch

BASIC = debuggee("basic.py")


@pytest.mark.parametrize("python", INTERPRETERS)
def test_breakpoint_inspect_continue(make_client, transport, python):
    client = make_client(transport)
    start_launch(client, BASIC, breakpoints=["add"], python=python, args=["2"])
    stopped = client.stopped(reason="breakpoint")
    assert isinstance(stopped["threadId"], int)

    # stackTrace, paged
    first = client.request("stackTrace", {"threadId": stopped["threadId"], "startFrame": 0,
                                          "levels": 1})["body"]
    assert len(first["stackFrames"]) == 1 and first["totalFrames"] >= 3
    top = first["stackFrames"][0]
    assert top["name"] == "add" and top["line"] == find_marker(BASIC, "add")
    rest = client.request("stackTrace", {"threadId": stopped["threadId"], "startFrame": 1,
                                         "levels": 5})["body"]["stackFrames"]
    assert [f["name"] for f in rest[:2]] == ["main", "<module>"]

    scopes = client.scopes(top["id"])
    assert set(scopes) >= {"Locals", "Globals"}
    local_vars = client.variables(scopes["Locals"])
    assert local_vars["a"]["value"] == "0" and local_vars["a"]["evaluateName"] == "a"

    # variables paged on a container, with evaluateName on children
    caller = rest[0]
    items_ref = client.variables(client.scopes(caller["id"])["Locals"])["items"]["variablesReference"]
    assert items_ref > 0

    hover = client.evaluate("a + b + 1", top["id"], context="hover")["body"]
    assert hover["result"] == "1"
    completions = client.request("completions", {"text": "ite", "column": 4,
                                                 "frameId": caller["id"]})["body"]["targets"]
    assert any(t["label"] == "items" for t in completions)

    client.request("setBreakpoints", {"source": {"path": BASIC}, "breakpoints": []})
    client.request("continue", {"threadId": stopped["threadId"]})
    exited = client.wait_event("exited")
    terminated = client.wait_event("terminated")
    assert exited["body"]["exitCode"] == 0
    assert client.index_of(exited) < client.index_of(terminated)
    assert "done 2" in output_text(client)
    assert client.close() == 0


def test_breakpoint_kinds(make_client):
    client = make_client()
    loop = find_marker(BASIC, "loop")
    start_launch(client, BASIC, args=["6"], breakpoints=[
        {"line": loop, "condition": "i == 3"},
        {"line": find_marker(BASIC, "done"), "logMessage": "log says {COUNTER}"},
    ])
    stopped = client.stopped(reason="breakpoint")
    top = client.top_frame(stopped["threadId"])
    assert client.evaluate("i", top["id"], context="hover")["body"]["result"] == "3"
    # hit count on a function breakpoint: the second call of add from here is add(4, 4)
    client.request("setBreakpoints", {"source": {"path": BASIC},
                                      "breakpoints": [{"line": find_marker(BASIC, "done"),
                                                       "logMessage": "log says {COUNTER}"}]})
    client.request("setFunctionBreakpoints", {"breakpoints": [{"name": "add", "hitCondition": "2"}]})
    mark = client.mark()
    client.request("continue", {"threadId": stopped["threadId"]})
    stopped = client.stopped(after=mark)
    top = client.top_frame(stopped["threadId"])
    assert top["name"] == "add"
    assert client.evaluate("a", top["id"], context="hover")["body"]["result"] == "4"
    client.request("setFunctionBreakpoints", {"breakpoints": []})
    client.request("continue", {"threadId": stopped["threadId"]})
    client.wait_event("terminated")
    assert "log says 6" in "".join(m["body"]["output"] for m in client.timeline
                                   if m.get("event") == "output")


def test_stepping(make_client):
    client = make_client()
    start_launch(client, BASIC, breakpoints=["loop"], args=["2"])
    stopped = client.stopped(reason="breakpoint")
    tid = stopped["threadId"]
    mark = client.mark()
    client.request("stepIn", {"threadId": tid})
    client.stopped(after=mark, reason="step")
    assert client.top_frame(tid)["name"] == "add"
    mark = client.mark()
    client.request("next", {"threadId": tid})
    client.stopped(after=mark, reason="step")
    assert client.top_frame(tid)["line"] == find_marker(BASIC, "add") + 1
    mark = client.mark()
    client.request("stepOut", {"threadId": tid})
    client.stopped(after=mark, reason="step")
    assert client.top_frame(tid)["name"] == "main"
    client.request("disconnect", {"terminateDebuggee": True})
    client.wait_event("terminated")


def test_exceptions(make_client):
    program = debuggee("raises.py")
    client = make_client()
    client.initialize()
    seq = client.request_async("launch", {"program": program})
    client.wait_event("initialized")
    client.request("setExceptionBreakpoints", {"filters": ["raised", "uncaught"]})
    client.request("configurationDone")
    client.response(seq)
    stopped = client.stopped(reason="exception")
    top = client.top_frame(stopped["threadId"])
    assert top["line"] == find_marker(program, "raise_caught")
    info = client.request("exceptionInfo", {"threadId": stopped["threadId"]})["body"]
    assert "KeyError" in info["exceptionId"]
    client.request("setExceptionBreakpoints", {"filters": ["uncaught"]})
    mark = client.mark()
    client.request("continue", {"threadId": stopped["threadId"]})
    stopped = client.stopped(after=mark, reason="exception")
    info = client.request("exceptionInfo", {"threadId": stopped["threadId"]})["body"]
    assert "ValueError" in info["exceptionId"] and info["breakMode"] == "unhandled"
    client.request("continue", {"threadId": stopped["threadId"]})
    exited = client.wait_event("exited")
    assert exited["body"]["exitCode"] == 1


def test_stop_on_entry_pause_terminate(make_client):
    program = debuggee("spin.py")
    client = make_client()
    start_launch(client, program, stopOnEntry=True)
    stopped = client.stopped(reason="entry")
    assert client.top_frame(stopped["threadId"])["line"] == 1
    mark = client.mark()
    client.request("continue", {"threadId": stopped["threadId"]})
    client.wait_event("output", after=mark)  # "spinning": the loop is running
    mark = client.mark()
    client.request("pause", {"threadId": stopped["threadId"]})
    stopped = client.stopped(after=mark, reason="pause")
    threads = client.request("threads")["body"]["threads"]
    assert any(t["id"] == stopped["threadId"] for t in threads)
    sources = client.request("loadedSources")["body"]["sources"]
    assert any(s["path"] == program for s in sources)
    pid = next(m["body"]["systemProcessId"] for m in client.timeline if m.get("event") == "process")
    client.request("terminate")
    client.wait_event("terminated")
    from apex_dap.engine.target import pid_alive
    assert not pid_alive(pid)


def test_bad_arguments_and_malformed_messages_keep_the_adapter_running(make_client):
    client = make_client()
    client.send_raw(b"Content-Length: 7\r\n\r\n{nope!}")
    bad = client.wait_for(lambda m: m.get("type") == "response" and not m["success"])
    assert "malformed" in bad["message"]
    client.send_raw(b'Content-Length: 20\r\n\r\n{"type": "request"}\n')
    client.wait_for(lambda m: m.get("type") == "response" and "command" in m.get("message", ""),
                    what="error for a request without command")
    caps = client.initialize()
    assert caps["supportsConfigurationDoneRequest"] and not caps["supportsStepBack"]
    response = client.request("launch", {"program": 42}, ok=False)
    assert "program" in response["message"]
    response = client.request("threads", ok=False)
    assert "launch or attach" in response["message"]
    response = client.request("launch", {"program": debuggee("missing.py")}, ok=False)
    assert "not found" in response["message"]


def test_tcp_requires_the_token(make_client, dap_env, tmp_path):
    from .client import DapClient
    wrong = DapClient.tcp(dap_env, str(tmp_path), token="right", send_token_line=False)
    try:
        wrong.initialize()  # allowed before launch
        response = wrong.request("launch", {"program": BASIC, "token": "wrong"}, ok=False)
        assert "token" in response["message"]
        response = wrong.request("threads", ok=False)
        assert "not authenticated" in response["message"]
        seq = wrong.request_async("launch", {"program": BASIC, "token": "right"})
        wrong.wait_event("initialized")
        wrong.request("configurationDone")
        assert wrong.response(seq)["success"]
        wrong.wait_event("terminated")
    finally:
        wrong.close()


def test_integrated_terminal_through_run_in_terminal(make_client, dap_env):
    import subprocess
    started = []

    def run_in_terminal(arguments):
        env = dict(dap_env, **{k: v for k, v in arguments.get("env", {}).items() if v is not None})
        process = subprocess.Popen(arguments["args"], cwd=arguments["cwd"], env=env,
                                   stdout=subprocess.DEVNULL, start_new_session=True)
        started.append(process)
        return {"processId": process.pid}

    client = make_client()
    client.reverse_handlers["runInTerminal"] = run_in_terminal
    client.initialize(supportsRunInTerminalRequest=True)
    seq = client.request_async("launch", {"program": BASIC, "console": "integratedTerminal",
                                          "args": ["2"]})
    client.wait_event("initialized")
    client.request("setBreakpoints", {"source": {"path": BASIC},
                                      "breakpoints": [{"line": find_marker(BASIC, "add")}]})
    client.request("configurationDone")
    assert client.response(seq)["success"]
    request = next(m for m in client.timeline if m.get("command") == "runInTerminal"
                   and m.get("type") == "request")
    assert request["arguments"]["kind"] == "integrated"
    stopped = client.stopped(reason="breakpoint")
    client.request("setBreakpoints", {"source": {"path": BASIC}, "breakpoints": []})
    client.request("continue", {"threadId": stopped["threadId"]})
    client.wait_event("terminated")
    assert started and started[0].wait(10) == 0


@pytest.mark.parametrize("python", INTERPRETERS)
def test_harness_answers_while_paused_and_stays_hidden(make_client, python):
    """Launch runs the program under apex_harness too; pydevd must not suspend its threads."""
    client = make_client()
    start_launch(client, BASIC, breakpoints=["add"], python=python, args=["2"])
    stopped = client.stopped(reason="breakpoint")
    target = client.request("apexTarget")["body"]
    assert target["harness"] is not None, "no harness in the launched program"
    assert target["harness"]["pid"] == target["pid"]
    assert target["harness"]["connections"] == {"opened": 1, "open": 1}
    names = [t["name"] for t in client.request("threads")["body"]["threads"]]
    assert not any(name.startswith("apex-harness") for name in names), names
    frames = client.frames(stopped["threadId"])
    assert not any("apex_harness" in (f.get("source") or {}).get("path", "") for f in frames)
    client.request("disconnect", {"terminateDebuggee": True})
    client.wait_event("terminated")


def test_goto_moves_execution(make_client):
    client = make_client()
    start_launch(client, BASIC, breakpoints=["add"], args=["1"])
    tid = client.stopped(reason="breakpoint")["threadId"]
    frame = client.top_frame(tid)
    line = find_marker(BASIC, "add") + 1  # `return total` before `total` is assigned
    targets = client.request("gotoTargets", {"source": {"path": BASIC}, "line": line})["body"]
    mark = client.mark()
    client.request("goto", {"threadId": tid, "targetId": targets["targets"][0]["id"]})
    client.stopped(after=mark)
    assert client.top_frame(tid)["line"] == line
    client.request("setBreakpoints", {"source": {"path": BASIC}, "breakpoints": []})
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated")
    # `total` was never assigned: the program died with UnboundLocalError
    assert "UnboundLocalError" in output_text(client)
    assert frame["name"] == "add"


def test_user_unhandled_exception_filter(make_client):
    """An exception leaving user code into library code (json calling a hook) stops."""
    program = debuggee("user_unhandled.py")
    client = make_client()
    client.initialize()
    seq = client.request_async("launch", {"program": program})
    client.wait_event("initialized")
    client.request("setExceptionBreakpoints", {"filters": ["userUnhandled"]})
    client.request("configurationDone")
    client.response(seq)
    stopped = client.stopped(reason="exception")
    assert client.top_frame(stopped["threadId"])["line"] == find_marker(program, "user_raise")
    info = client.request("exceptionInfo", {"threadId": stopped["threadId"]})["body"]
    assert "KeyError" in info["exceptionId"]  # debugpy reports breakMode "always" here
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.wait_event("exited")["body"]["exitCode"] == 0
    assert "caught in user code" in output_text(client)


def test_launch_module_with_env_and_string_args(make_client, tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    main = package / "main.py"
    main.write_text("import os, sys\n"
                    "argv = sys.argv[1:]\n"
                    "print('ARGS', argv, os.environ.get('APEX_T'), 'HOME' in os.environ)"
                    "  # @print\n")
    client = make_client()
    start_launch(client, None, source=str(main), module="pkg.main", cwd=str(tmp_path),
                 args="one 'two words'", env={"APEX_T": "set", "HOME": None},
                 breakpoints=["print"])
    stopped = client.stopped(reason="breakpoint")
    frame = client.top_frame(stopped["threadId"])
    assert frame["source"]["path"] == str(main)
    client.request("continue", {"threadId": stopped["threadId"]})
    client.wait_event("terminated")
    assert "ARGS ['one', 'two words'] set False" in output_text(client)


def test_step_in_targets_and_hex_formatting(make_client):
    """Capabilities advertised from debugpy are really reachable through Apex."""
    client = make_client()
    start_launch(client, BASIC, breakpoints=["loop"], args=["2"])
    stopped = client.stopped(reason="breakpoint")
    frame = client.top_frame(stopped["threadId"])
    targets = client.request("stepInTargets", {"frameId": frame["id"]})["body"]["targets"]
    assert any("add" in t["label"] for t in targets)
    hexed = client.request("evaluate", {"expression": "255", "frameId": frame["id"],
                                        "context": "hover", "format": {"hex": True}})["body"]
    assert hexed["result"] == "0xff"
    modules = client.request("modules")["body"]["modules"]
    assert any(m.get("path") == BASIC for m in modules)
    client.request("disconnect", {"terminateDebuggee": True})
    client.wait_event("terminated")
