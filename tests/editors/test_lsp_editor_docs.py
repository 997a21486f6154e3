"""The editor setup pages show exactly the configuration the editor tests load."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).parent / "lsp_config"


@pytest.mark.parametrize("page, language, snippet", [
    ("docs/editors/neovim.md", "lua", "apex.lua"),
    ("docs/editors/emacs.md", "elisp", "apex-eglot.el"),
])
def test_docs_snippet_is_the_tested_config(page, language, snippet):
    text = (ROOT / page).read_text()
    blocks = re.findall(rf"```{language}\n(.*?)```", text, re.S)
    assert blocks, f"{page} has no ```{language} block"
    assert blocks[0] == (CONFIG / snippet).read_text(), \
        f"{page} and tests/editors/lsp_config/{snippet} differ; copy the file into the page"
