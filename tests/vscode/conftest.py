"""Shared helpers for the VS Code extension tests: where it lives, and npm."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "vscode-extension"


def npm_env() -> dict[str, str]:
    env = dict(os.environ)
    # The generator and bundler run the repository's Python (server/, adapter/).
    env.setdefault("APEX_PYTHON", sys.executable)
    env.pop("npm_config_nodedir", None)
    env["npm_config_update_notifier"] = "false"
    return env


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """vscode-extension/node_modules, installed from package-lock.json when missing."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed (apt-get install nodejs npm)")
    modules = EXTENSION / "node_modules"
    if not (modules / ".bin" / "tsc").exists():
        proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=EXTENSION, env=npm_env(),
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"npm ci failed:\n{proc.stdout}\n{proc.stderr}"
    return modules
