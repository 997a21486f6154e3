"""Running a real editor for the LSP tests: throwaway HOME/XDG dirs, its own
process group, killed whole at the end, pass or fail."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


def isolated_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    home = tmp_path / "home"
    for name in ("config", "data", "state", "cache", "tmp"):
        (home / name).mkdir(parents=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"), TMPDIR=str(home / "tmp"))
    return env


#: The file every LSP editor test opens: line 3 has a fixable APX205, line 4 an APX101.
LSP_SOURCE = """import yaml

data = yaml.load(stream)
x = eval(expr)
"""


@dataclass
class LspProject:
    """An isolation-mode project holding LSP_SOURCE, and the environment an editor
    check script needs: throwaway HOME, APEX_LSP_CMD running this interpreter's apex."""
    root: Path
    source: Path
    report: Path
    env: dict[str, str]

    def read_report(self) -> dict:
        """What the editor's check script wrote (empty when it wrote nothing)."""
        return json.loads(self.report.read_text()) if self.report.exists() else {}


def lsp_project(tmp_path: Path) -> LspProject:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.apex]\nmode = "isolation"\n')
    source = root / "app.py"
    source.write_text(LSP_SOURCE)
    env = isolated_env(tmp_path)
    env["APEX_LSP_CMD"] = json.dumps([sys.executable, "-m", "apex_cli", "lsp"])
    return LspProject(root, source, tmp_path / "report.json", env)


def run_editor(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 90):
    """Run an editor in its own process group and kill the whole group afterwards."""
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"{cmd[0]} timed out\nstdout: {out[-2000:]!r}\nstderr: {err[-2000:]!r}")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")
