from __future__ import annotations

import glob
import os
import re
import sys
import textwrap
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def state_home(tmp_path_factory, monkeypatch) -> Path:
    """A throwaway $XDG_STATE_HOME (the audit key and anchors), also for child processes."""
    home = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


@pytest.fixture
def project(tmp_path: Path):
    """Write a pyproject.toml whose [tool.apex] table holds ``body``; return its directory.

    Table headers in ``body`` are relative to [tool.apex]: ``[limits]`` is written
    as ``[tool.apex.limits]`` and ``[[permissions]]`` as ``[[tool.apex.permissions]]``.
    """
    def make(body: str) -> Path:
        (tmp_path / "src").mkdir(exist_ok=True)
        body = re.sub(r"^(\[\[?)(?!tool\.)", r"\1tool.apex.", textwrap.dedent(body), flags=re.M)
        (tmp_path / "pyproject.toml").write_text("[tool.apex]\n" + body, encoding="utf-8")
        return tmp_path
    return make


def _interpreter(version: str) -> str | None:
    if sys.version_info[:2] == tuple(int(p) for p in version.split(".")):
        return sys.executable
    found = sorted(glob.glob(f"/root/.pyenv/versions/{version}.*/bin/python3") +
                   glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python3")))
    return found[0] if found else None


@pytest.fixture(params=("3.9", "3.11", "3.13"))
def python(request) -> str:
    """A target interpreter for `apex run --python` (the harness supports 3.9+)."""
    path = _interpreter(request.param)
    if path is None:
        pytest.skip(f"Python {request.param} is not installed here")
    return path


@pytest.fixture
def tree(tmp_path: Path):
    """Write ``{relative name: text}`` (dedented) under tmp_path; return tmp_path."""
    def write(files: dict) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        return tmp_path
    return write
