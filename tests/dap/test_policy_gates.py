"""Policy gates: mutating requests are checked against the session's effective policy."""
import json
import shutil


from .conftest import debuggee, start_launch


def _project(tmp_path, mode):
    project = tmp_path / "project"
    project.mkdir()
    if mode:
        (project / "pyproject.toml").write_text(f'[tool.apex]\nmode = "{mode}"\n')
    program = project / "edits.py"
    shutil.copy(debuggee("edits.py"), program)
    return str(program)


def _stop(client, program, **launch):
    start_launch(client, program, breakpoints=["inner"], **launch)
    tid = client.stopped(reason="breakpoint")["threadId"]
    return tid, client.top_frame(tid)


def test_isolation_denies_edits_and_repl_but_not_inspection(make_client, tmp_path):
    program = _project(tmp_path, "isolation")
    client = make_client()
    audit = tmp_path / "audit.jsonl"
    tid, frame = _stop(client, program, auditLog=str(audit))
    ref = client.scopes(frame["id"])["Locals"]
    refused = client.request("setVariable", {"variablesReference": ref, "name": "x",
                                             "value": "1"}, ok=False)
    assert refused["message"] == ("state editing is denied in isolation mode — policy: "
                                  "pyproject.toml [tool.apex]")
    assert refused["body"]["error"]["showUser"] is True
    for request in (("setExpression", {"expression": "x", "value": "1", "frameId": frame["id"]}),
                    ("evaluate", {"expression": "x", "frameId": frame["id"], "context": "repl"}),
                    ("goto", {"threadId": tid, "targetId": 1}),
                    ("restartFrame", {"frameId": frame["id"]}),
                    ("apexUndoStateEdit", {})):
        response = client.request(*request, ok=False)
        assert "denied in isolation mode" in response["message"], request
    # reading is fine; a hover that would run code is an evaluation
    assert client.evaluate("x", frame["id"], context="hover")["body"]["result"] == "10"
    called = client.evaluate("__import__('os').getpid()", frame["id"], context="hover", ok=False)
    assert "denied in isolation mode" in called["message"]
    import json
    denied = [json.loads(line) for line in audit.read_text().splitlines()][1:]
    assert denied[0]["operation"] == "state_edit" and denied[0]["outcome"] == "denied"
    assert denied[0]["mode"] == "isolation"
    policy = client.request("apexPolicy")["body"]
    assert policy["mode"] == "isolation" and policy["debugOperations"]["state_edit"] is False
    client.request("disconnect", {"terminateDebuggee": True})
    client.wait_event("terminated")


def test_hybrid_refusal_names_the_permission(make_client, tmp_path):
    program = _project(tmp_path, "hybrid")
    client = make_client()
    tid, frame = _stop(client, program)
    refused = client.request("setExpression", {"expression": "x", "value": "1",
                                               "frameId": frame["id"]}, ok=False)
    assert "hybrid mode" in refused["message"]
    assert "[[tool.apex.permissions]]" in refused["message"]
    assert 'operations = ["state_edit"]' in refused["message"]
    client.request("disconnect", {"terminateDebuggee": True})
    client.wait_event("terminated")


def test_configuration_mode_may_only_be_stricter(make_client, tmp_path):
    program = _project(tmp_path, "isolation")
    client = make_client()
    client.initialize()
    refused = client.request("launch", {"program": program, "mode": "development"}, ok=False)
    assert "less strict" in refused["message"]
    assert "debug.allow-mode-override" in refused["message"]

    free = _project(tmp_path / "other", None) if (tmp_path / "other").mkdir() is None else None
    client2 = make_client()
    tid, frame = _stop(client2, free, mode="isolation")
    refused = client2.request("setVariable", {
        "variablesReference": client2.scopes(frame["id"])["Locals"], "name": "x", "value": "1"},
        ok=False)
    assert "denied in isolation mode" in refused["message"]
    client2.request("disconnect", {"terminateDebuggee": True})
    client2.wait_event("terminated")


def test_the_policy_may_allow_a_looser_configuration_mode(make_client, tmp_path):
    program = _project(tmp_path, None)
    (tmp_path / "project" / "pyproject.toml").write_text(
        '[tool.apex]\nmode = "isolation"\n[tool.apex.debug]\nallow-mode-override = true\n')
    client = make_client()
    audit = tmp_path / "audit.jsonl"
    tid, frame = _stop(client, program, mode="development", auditLog=str(audit))
    policy = client.request("apexPolicy")["body"]
    assert (policy["mode"], policy["fileMode"], policy["requestedMode"]) == \
        ("development", "isolation", "development")
    assert policy["debugOperations"]["state_edit"] is True
    ref = client.scopes(frame["id"])["Locals"]
    edited = client.request("setVariable", {"variablesReference": ref, "name": "x",
                                            "value": "41"})
    assert edited["body"]["value"] == "41"
    client.request("disconnect", {"terminateDebuggee": True})
    client.wait_event("terminated")
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    switch = [r for r in records if r.get("operation") == "mode_switch"]
    assert switch and switch[0]["details"]["from"] == "isolation" \
        and switch[0]["details"]["to"] == "development"
    assert any(r.get("operation") == "state_edit" and r["outcome"] == "allowed" for r in records)
