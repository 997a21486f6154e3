"""Time travel in a live session, through the real adapter and the DAP test client,
on every interpreter present (3.11 records with chained settrace, 3.12+ with
sys.monitoring): step back and compare every variable, reverse continue, return to the
present and keep debugging live."""
import pytest

from dap.client import find_marker

from .conftest import INTERPRETERS, program, start_launch
from .helpers import back, forward, here, locals_of, output_text

HISTORY = program("history.py")
GEN = program("gen_threads.py")


def line(marker, path=HISTORY):
    return find_marker(path, marker)


@pytest.mark.parametrize("python", INTERPRETERS)
def test_step_back_shows_every_variable_as_it_was(make_client, python):
    client = make_client()
    start_launch(client, HISTORY, python=python, record=True, breakpoints=["total"])
    stop = client.stopped(reason="breakpoint")  # breakpoints still hit while recording
    tid = stop["threadId"]
    assert here(client, tid)[:2] == ("collect", line("total"))
    assert locals_of(client, tid) == {"items": "[0, 10, 20]", "i": "2"}
    expected = [  # (line, every local) going backwards from @total
        ("for", {"items": "[0, 10, 20]", "i": "2"}),
        ("append", {"items": "[0, 10]", "i": "2"}),   # before items.append(20)
        ("for", {"items": "[0, 10]", "i": "1"}),
        ("append", {"items": "[0]", "i": "1"}),
        ("for", {"items": "[0]", "i": "0"}),
        ("append", {"items": "[]", "i": "0"}),
        ("for", {"items": "[]"}),
        ("items_init", {}),
    ]
    for marker, values in expected:
        back(client, tid)
        name, at, stack = here(client, tid)
        assert (name, at) == ("collect", line(marker)), marker
        assert [f[0] for f in stack] == ["collect", "main", "<module>"]
        assert stack[1][1] == line("call_collect")
        assert locals_of(client, tid) == values, marker
    # at a frame's first line, stepBack goes to the caller, before the call
    back(client, tid)
    assert here(client, tid)[:2] == ("main", line("call_collect"))
    assert locals_of(client, tid) == {}
    # forward through history; the present hands over to live debugging
    for marker in ("items_init", "for", "append"):
        forward(client, tid, "stepIn" if marker == "items_init" else "next")
        assert here(client, tid)[:2] == ("collect", line(marker))
    for _ in range(5):  # for, append, for, append, for
        forward(client, tid, "next")
    body = forward(client, tid, "next")
    assert body.get("description") == "back in the present (live)"
    assert here(client, tid)[:2] == ("collect", line("total"))
    forward(client, tid, "next")  # live now: debugpy runs the line
    assert here(client, tid)[:2] == ("collect", line("total") + 1)
    assert locals_of(client, tid)["total"] == "30"
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated")
    assert "RESULT 30 24 -5 True" in output_text(client)


@pytest.mark.parametrize("python", INTERPRETERS)
def test_reverse_continue_lands_on_earlier_breakpoint_hits(make_client, python):
    client = make_client()
    start_launch(client, HISTORY, python=python, record=True, breakpoints=["append", "total"])
    tid = client.stopped(reason="breakpoint")["threadId"]
    for _ in range(3):
        mark = client.mark()
        client.request("continue", {"threadId": tid})
        client.stopped(after=mark, reason="breakpoint")
    assert here(client, tid)[1] == line("total")
    for i, items in ((2, "[0, 10]"), (1, "[0]"), (0, "[]")):
        body = back(client, tid, "reverseContinue")
        assert body["reason"] == "breakpoint"
        assert here(client, tid)[1] == line("append")
        assert locals_of(client, tid) == {"items": items, "i": str(i)}
    body = back(client, tid, "reverseContinue")  # no earlier hit: the start of history
    assert body["reason"] == "entry"
    assert here(client, tid)[0] == "<module>"
    # continue forward through history stops at the recorded hits, then the present
    for i in (0, 1, 2):
        forward(client, tid, "continue")
        assert (here(client, tid)[1], locals_of(client, tid)["i"]) == (line("append"), str(i))
    body = forward(client, tid, "continue")
    assert body["description"] == "back in the present (live)"
    assert here(client, tid)[1] == line("total")
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated")
    assert "RESULT 30 24 -5 True" in output_text(client)


@pytest.mark.parametrize("python", INTERPRETERS)
def test_recursion_exceptions_and_read_only_evaluate(make_client, python):
    client = make_client()
    start_launch(client, HISTORY, python=python, record=True, breakpoints=["risky_return"])
    tid = client.stopped(reason="breakpoint")["threadId"]
    assert locals_of(client, tid)["x"] == "-5"
    body = back(client, tid, "reverseContinue")  # the most recent exception
    assert body["reason"] == "exception"
    assert here(client, tid)[:2] == ("risky", line("raise"))
    assert locals_of(client, tid) == {"x": "5"}
    info = client.request("exceptionInfo", {"threadId": tid})["body"]
    assert info["exceptionId"] == "ValueError" and "bad 5" in info["description"]
    # recursion: go to the deepest call of fact through gotoTargets
    targets = client.request("gotoTargets", {"source": {"path": HISTORY},
                                             "line": line("fact_base")})["body"]["targets"]
    assert len(targets) == 1
    mark = client.mark()
    client.request("goto", {"threadId": tid, "targetId": targets[0]["id"]})
    client.stopped(after=mark, reason="goto")
    name, at, stack = here(client, tid)
    assert [f[0] for f in stack] == ["fact"] * 4 + ["main", "<module>"]
    frames = client.frames(tid)
    ns = [client.variables(client.scopes(f["id"])["Locals"])["n"]["value"] for f in frames[:4]]
    assert ns == ["1", "2", "3", "4"]
    back(client, tid)
    assert here(client, tid)[1] == line("fact_base") - 1
    back(client, tid)  # first line of fact(1): into the caller fact(2)
    name, at, stack = here(client, tid)
    assert (at, len(stack), locals_of(client, tid)) == (line("fact_base") + 1, 5, {"n": "2"})
    # evaluate reads the recording and refuses anything that could run code
    top = client.top_frame(tid)["id"]
    assert client.evaluate("n", top)["body"]["result"] == "2"
    refused = client.evaluate("n * 2", top, ok=False)
    assert not refused["success"] and "could run code" in refused["message"]
    for command in ("setVariable", "pause"):
        arguments = {"threadId": tid} if command == "pause" else \
            {"variablesReference": client.scopes(top)["Locals"], "name": "n", "value": "1"}
        assert not client.request(command, arguments, ok=False)["success"]
    client.request("continue", {"threadId": tid})
    client.wait_event("stopped", after=client.mark() - 1)
    client.request("disconnect", {"terminateDebuggee": True})


@pytest.mark.parametrize("python", INTERPRETERS)
def test_generators_and_threads_keep_separate_histories(make_client, python):
    client = make_client()
    start_launch(client, GEN, python=python, record=True, breakpoints=["main_done"])
    tid = client.stopped(reason="breakpoint")["threadId"]
    # main thread: stepping back over list(countdown(2)) stays in main
    back(client, tid)
    assert here(client, tid)[:2] == ("main", line("main_gen", GEN))
    # the worker's history is there too (it has ended): reverseContinue on a breakpoint
    client.request("setBreakpoints", {"source": {"path": GEN},
                                      "breakpoints": [{"line": line("worker_append", GEN)}]})
    timeline = client.request("apexTimeline", {"kinds": ["breakpoint"]})["body"]
    hits = timeline["items"]
    assert len(hits) == 3
    worker_threads = {h["threadId"] for h in hits}
    assert len(worker_threads) == 1 and tid not in worker_threads
    mark = client.mark()
    client.request("goto", {"threadId": tid, "targetId": client.request("gotoTargets", {
        "source": {"path": GEN}, "line": line("worker_append", GEN)})["body"]["targets"][-1]["id"]})
    stop = client.stopped(after=mark, reason="goto")
    worker = stop["threadId"]
    name, at, stack = here(client, worker)
    assert name == "worker" and locals_of(client, worker) == {"name": "'w'", "out": "{}",
                                                               "acc": "[3, 2]", "value": "1"}
    back(client, worker)  # the for line, where the generator was resumed
    back(client, worker)
    assert locals_of(client, worker)["value"] == "2"
    client.request("disconnect", {"terminateDebuggee": True})


def test_recording_shares_the_launch_harness_connection(make_client):
    """The recorder pages history over the launch's one harness connection: the harness
    in the program counts the authenticated sessions it has had, and history, the
    timeline and other harness requests sent together are all answered over it."""
    client = make_client()
    start_launch(client, HISTORY, record=True, breakpoints=["total"])
    tid = client.stopped(reason="breakpoint")["threadId"]
    back(client, tid)  # the history comes from the recorder in the program
    assert here(client, tid)[:2] == ("collect", line("for"))
    asked = [client.request_async("apexTimeline", {}), client.request_async("apexTarget"),
             client.request_async("apexRecord", {"enabled": True})]
    timeline, target, record = (client.response(seq) for seq in asked)
    assert timeline["success"] and timeline["body"]["items"], timeline
    assert record["success"] and record["body"]["recording"] is True, record
    harness = target["body"]["harness"]
    assert harness["pid"] == target["body"]["pid"]
    assert harness["connections"] == {"opened": 1, "open": 1}
    assert forward(client, tid, "next").get("description") == "back in the present (live)"
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated")
    assert "RESULT 30 24 -5 True" in output_text(client)


def test_attach_with_record_is_refused_not_ignored(make_client):
    client = make_client()
    client.initialize()
    refused = client.request("attach", {"connect": {"host": "127.0.0.1", "port": 1},
                                        "record": True}, ok=False)
    assert "`record: true` works with launch only" in refused["message"]
    # the session is still free: a launch with recording works after the refusal
    seq = client.request_async("launch", {"program": HISTORY, "record": True,
                                          "console": "internalConsole"})
    client.wait_event("initialized")
    client.request("setBreakpoints", {"source": {"path": HISTORY},
                                      "breakpoints": [{"line": line("total")}]})
    client.request("configurationDone")
    assert client.response(seq)["success"]
    tid = client.stopped(reason="breakpoint")["threadId"]
    back(client, tid)
    assert here(client, tid)[:2] == ("collect", line("for"))
