"""Headless Neovim 0.7 with its built-in LSP client against the real `apex lsp`.

The client configuration is lsp_config/apex.lua, the same file docs/editors/neovim.md
shows (test_lsp_editor_docs.py checks they agree)."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from lsp_editor_run import isolated_env, run_editor

HERE = Path(__file__).parent / "lsp_config"
NVIM = shutil.which("nvim")

pytestmark = [pytest.mark.editor,
              pytest.mark.skipif(NVIM is None, reason="neovim is not installed "
                                 "(apt-get install -y neovim; scripts/setup --all)")]

SOURCE = """import yaml

data = yaml.load(stream)
x = eval(expr)
"""


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
