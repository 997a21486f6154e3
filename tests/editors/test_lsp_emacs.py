"""Emacs 28 + eglot in --batch against the real `apex lsp`.

The client configuration is lsp_config/apex-eglot.el, the same file
docs/editors/emacs.md shows (test_lsp_editor_docs.py checks they agree)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lsp_editor_run import LSP_SOURCE, lsp_project, run_editor

HERE = Path(__file__).parent / "lsp_config"
EMACS = shutil.which("emacs")
EGLOT = any(Path("/usr/share/emacs/site-lisp/elpa").glob("eglot-*"))

pytestmark = [pytest.mark.editor,
              pytest.mark.skipif(EMACS is None, reason="emacs is not installed "
                                 "(apt-get install -y emacs-nox; scripts/setup --all)"),
              pytest.mark.skipif(not EGLOT, reason="eglot is not installed "
                                 "(apt-get install -y elpa-eglot; scripts/setup --all)")]


def test_eglot_flymake_diagnostics_hover_and_code_action(tmp_path):
    project = lsp_project(tmp_path)
    project.env.update(APEX_EGLOT_CONFIG=str(HERE / "apex-eglot.el"),
                       APEX_EMACS_FILE=str(project.source), APEX_EMACS_ROOT=str(project.root),
                       APEX_EMACS_REPORT=str(project.report))
    code, out, err = run_editor([EMACS, "-Q", "--batch", "-l", str(HERE / "eglot_check.el")],
                                project.env, project.root)
    report = project.read_report()
    assert code == 0 and "error" not in report, (code, report, out[-2000:], err[-3000:])
    texts = [d["text"] for d in report["diagnostics"]]
    assert any("APX101" in t or "eval()" in t for t in texts), texts
    assert any(d["line"] == 4 and d["type"] == "eglot-error" for d in report["diagnostics"])
    assert "APX101" in report["hover"] and "`isolation`" in report["hover"]
    assert report["fixed_line"] == "data = yaml.safe_load(stream)"
    assert project.source.read_text() == LSP_SOURCE  # the edit is in the buffer, unsaved
