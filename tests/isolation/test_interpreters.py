"""Isolated runs of targets on every interpreter present (3.11, 3.12, 3.13)."""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys

import pytest

from .conftest import needs_bwrap, needs_root

pytestmark = [needs_bwrap, needs_root]


def _interpreter(version: str) -> str | None:
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    found = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python3")))
    return found[0] if found else None


@pytest.fixture(params=("3.11", "3.12", "3.13"))
def python(request):
    path = _interpreter(request.param)
    if path is None:
        pytest.skip(f"Python {request.param} is not installed here")
    return path


def test_isolated_run_on_each_interpreter(project, python):
    script = project / "prog.py"
    script.write_text("import platform, socket\nprint(platform.python_version())\n"
                      "open('.apex/tmp/out.txt', 'w').write('ok')\n"
                      "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
                      "except PermissionError as e:\n    print('network', 'denied' in str(e))\n")
    proc = subprocess.run([sys.executable, "-m", "apex_cli", "run", "--python", python,
                           "--report-json", str(project / "r.json"), str(script)],
                          cwd=project, capture_output=True, text=True, timeout=60)
    report = json.loads((project / "r.json").read_text())
    assert proc.returncode == 0, proc.stderr
    version, network = proc.stdout.splitlines()
    assert python.endswith("python3") or version.startswith(f"{sys.version_info[0]}.")
    assert network == "network True"
    assert report["isolation"]["level"] == "full"
    assert (project / ".apex" / "tmp" / "out.txt").read_text() == "ok"
