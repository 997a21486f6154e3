"""The audit log of an isolated run, which the host writes from the guard's events (the
program cannot reach the log): its records carry what the in-process writer's do."""
from __future__ import annotations

import json

from apex_policy.audit import verify

from .conftest import add_tools_override, apex_run, needs_bwrap, needs_root

pytestmark = [needs_bwrap, needs_root]


def test_host_written_records_name_the_calling_file_an_override_decided_for(project):
    add_tools_override(project)
    override_line = (project / "pyproject.toml").read_text().splitlines().index(
        "[[tool.apex.overrides]]") + 1
    run = apex_run(project, """
        import subprocess
        from tools import build

        for call in (lambda: build.run(["true"]), lambda: build.run(["echo", "x"]),
                     lambda: subprocess.run(["true"])):
            try:
                call()
            except PermissionError:
                pass
    """)
    assert run.returncode == 0, run.stderr
    assert run.report["isolation"]["level"] == "full"
    log = project / ".apex" / "audit.jsonl"
    result = verify(str(log))
    assert result.ok and result.anchored, result
    records = [json.loads(line) for line in log.read_text().splitlines()[1:]]
    spawned = [(r["target"][0], r["outcome"], r["details"])
               for r in records if r["operation"] == "runtime.subprocess"]
    assert [(target, outcome, details.get("caller")) for target, outcome, details in spawned] \
        == [("echo", "denied", "tools/build.py"), ("true", "denied", "prog.py")]
    # The override's own line decided for tools/build.py; the project's rule for prog.py.
    assert spawned[0][2]["source"] == f"pyproject.toml:{override_line}"
    assert spawned[1][2]["source"] != spawned[0][2]["source"]


def test_host_written_records_without_overrides_name_no_caller(project):
    run = apex_run(project, """
        import subprocess
        try:
            subprocess.run(["true"])
        except PermissionError:
            pass
    """)
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in
               (project / ".apex" / "audit.jsonl").read_text().splitlines()[1:]]
    spawned = [r for r in records if r["operation"] == "runtime.subprocess"]
    assert len(spawned) == 1 and spawned[0]["outcome"] == "denied"
    assert "caller" not in spawned[0]["details"]
