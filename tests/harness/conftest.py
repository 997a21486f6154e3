"""Harness tests run inside every target interpreter present: 3.11 (the venv), 3.12, 3.13."""
from __future__ import annotations

import glob
import os
import subprocess
import sys

import pytest


def _find(version: str) -> str | None:
    if sys.version_info[:2] == tuple(int(p) for p in version.split(".")):
        return sys.executable
    roots = [os.path.expanduser("~/.pyenv/versions"), "/root/.pyenv/versions"]
    for root in roots:
        for path in sorted(glob.glob(os.path.join(root, version + ".*", "bin", "python3"))):
            return path
    return None


TARGET_VERSIONS = ("3.11", "3.12", "3.13")


@pytest.fixture(params=TARGET_VERSIONS)
def target_python(request) -> str:
    path = _find(request.param)
    if path is None:
        pytest.skip(f"Python {request.param} is not installed here")
    return path


@pytest.fixture
def kill_after():
    """Processes registered here are killed at the end of the test, pass or fail."""
    procs: list[subprocess.Popen] = []
    yield procs.append
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
