"""The harness must import and run on 3.9 and 3.10 too (it lives in targets we do not
control): one smoke test each, through the real protocol, pause and guard included."""
from __future__ import annotations

import subprocess
import textwrap

import pytest

from apex_host.launch import spawn

from .conftest import _find


@pytest.fixture(params=("3.9", "3.10"))
def old_python(request):
    path = _find(request.param)
    if path is None:
        pytest.skip(f"Python {request.param} is not installed here")
    return path


def test_harness_on_older_interpreters(old_python, tmp_path):
    from apex_policy import load_settings

    runtime = load_settings(str(tmp_path), mode="isolation").settings.policy.to_runtime()
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""
        import sys, time
        sys.stdin.readline()
        try:
            eval("1")
        except PermissionError as e:
            print("denied", flush=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not sys.stdin.readline():
            pass
    """))
    with spawn([str(script)], python=old_python, cwd=str(tmp_path),
               guard={"policy": runtime, "source": "test", "auditLog": False},
               stdin=subprocess.PIPE, stdout=subprocess.PIPE) as handle:
        assert handle.client.request("info")["python"].startswith(
            old_python.split("versions/")[1][:3] if "versions/" in old_python else "3.")
        handle.process.stdin.write(b"go\n")
        handle.process.stdin.flush()
        assert handle.process.stdout.readline() == b"denied\n"
        assert handle.client.wait_event("guard")["body"]["capability"] == "dynamic_code"
        paused = handle.client.request("pause", {"timeout": 0.5})   # main: in a read
        assert paused["paused"] is True, paused
        assert handle.client.request("resume")["resumed"] is True
        handle.process.stdin.write(b"end\n")
        handle.process.stdin.flush()
        assert handle.wait(20) == 0
