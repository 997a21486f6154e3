"""Fixtures for the whole suite."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def state_home(tmp_path_factory, monkeypatch) -> Path:
    """A throwaway $XDG_STATE_HOME for every test and the processes it starts.

    Whatever writes an audit log (apex run, the harness inside a target, the debug
    adapter) keeps its key and head anchors in ``$XDG_STATE_HOME/apex``; without this,
    every test run would leave anchors in the real user's state directory. The
    directory sits beside the test's tmp_path, not in it, so project trees and
    workspaces that tests build in tmp_path stay as they wrote them. A test (or a
    conftest further down) that sets its own XDG_STATE_HOME wins: it sets it later.
    """
    home = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home
