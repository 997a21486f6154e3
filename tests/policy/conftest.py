from __future__ import annotations

import re
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
