"""Headless Neovim 0.7 with its built-in LSP client against the real `apex lsp`.

The client configuration is lsp_config/apex.lua, the same file docs/editors/neovim.md
shows (test_lsp_editor_docs.py checks they agree)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "lsp_config"
NVIM = shutil.which("nvim")

pytestmark = [pytest.mark.editor,
              pytest.mark.skipif(NVIM is None, reason="neovim is not installed "
                                 "(apt-get install -y neovim; scripts/setup --all)")]

SOURCE = """import yaml

data = yaml.load(stream)
x = eval(expr)
"""


def isolated_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    home = tmp_path / "home"
    for name in ("config", "data", "state", "cache", "tmp"):
        (home / name).mkdir(parents=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"), TMPDIR=str(home / "tmp"))
    return env


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


def test_neovim_diagnostics_hover_and_quick_fix(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.apex]\nmode = "isolation"\n')
    source = project / "app.py"
    source.write_text(SOURCE)
    report_path = tmp_path / "report.json"
    env = isolated_env(tmp_path)
    env.update(APEX_LSP_CMD=json.dumps([sys.executable, "-m", "apex_cli", "lsp"]),
               APEX_NVIM_CONFIG=str(HERE / "apex.lua"), APEX_NVIM_FILE=str(source),
               APEX_NVIM_REPORT=str(report_path))
    code, out, err = run_editor(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n",
         "-c", f"luafile {HERE / 'nvim_check.lua'}"], env, project)
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    assert code == 0 and not report.get("error"), (code, report, out[-2000:], err[-2000:])
    by_code = {d["code"]: d for d in report["diagnostics"]}
    assert by_code["APX101"]["line"] == 3 and by_code["APX101"]["source"] == "apex"
    assert "APX101" in report["hover"] and "CWE-95" in report["hover"]
    assert "`isolation`" in report["hover"]
    assert report["fixed_line"] == "data = yaml.safe_load(stream)"
    assert report["status"].startswith("isolation")
