"""docs/lsp.md documents every command, setting and code action kind the server has."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from apex_lsp.server.config import SETTING_KEYS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "lsp.md").read_text()


def headings() -> set[str]:
    return set(re.findall(r"^### `([^`]+)`", DOC, re.M))


@pytest.mark.asyncio
async def test_every_advertised_command_and_kind_is_documented(client):
    caps = client.init_result.capabilities
    commands = set(caps.execute_command_provider.commands)
    assert commands == {"apex.setMode", "apex.scanWorkspace", "apex.showPolicy"}
    assert commands <= headings()
    for kind in caps.code_action_provider.code_action_kinds:
        if kind != "source.fixAll":
            assert f"`{kind}`" in DOC or kind == "quickfix", kind
    assert caps.text_document_sync.change == 2  # incremental


def test_every_setting_is_documented():
    assert {f"apex.{key}" for key in SETTING_KEYS} <= headings()
