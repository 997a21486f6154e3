"""Headless Neovim 0.7 with its built-in LSP client against the real `apex lsp`.

The client configuration is lsp_config/apex.lua, the same file docs/editors/neovim.md
shows (test_lsp_editor_docs.py checks they agree)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lsp_editor_run import lsp_project, run_editor

HERE = Path(__file__).parent / "lsp_config"
NVIM = shutil.which("nvim")

pytestmark = [pytest.mark.editor,
              pytest.mark.skipif(NVIM is None, reason="neovim is not installed "
                                 "(apt-get install -y neovim; scripts/setup --all)")]


def test_neovim_diagnostics_hover_and_quick_fix(tmp_path):
    project = lsp_project(tmp_path)
    project.env.update(APEX_NVIM_CONFIG=str(HERE / "apex.lua"),
                       APEX_NVIM_FILE=str(project.source), APEX_NVIM_REPORT=str(project.report))
    code, out, err = run_editor(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n",
         "-c", f"luafile {HERE / 'nvim_check.lua'}"], project.env, project.root)
    report = project.read_report()
    assert code == 0 and not report.get("error"), (code, report, out[-2000:], err[-2000:])
    by_code = {d["code"]: d for d in report["diagnostics"]}
    assert by_code["APX101"]["line"] == 3 and by_code["APX101"]["source"] == "apex"
    assert "APX101" in report["hover"] and "CWE-95" in report["hover"]
    assert "`isolation`" in report["hover"]
    assert report["fixed_line"] == "data = yaml.safe_load(stream)"
    assert report["status"].startswith("isolation")
