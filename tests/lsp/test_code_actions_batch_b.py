"""The argument fixes of the TLS/network/crypto rules, reached through the real server:
the quick fix an editor receives removes or adds exactly one argument, also when the
call spans lines, and the fixed text is clean for the rule."""
from __future__ import annotations

import pytest

from lsp_helpers import (apply_edits, code_actions, codes, diagnostics_for, edits_for,
                         open_doc, replace_all)

pytestmark = pytest.mark.asyncio


async def _fix(client, workspace, name, text, rule, title_prefix):
    uri = open_doc(client, workspace / name, text)
    diags = [d for d in await diagnostics_for(client, uri, version=1) if d.code == rule]
    assert diags, f"{rule} not reported"
    line = diags[0].range.start.line
    actions = await code_actions(client, uri, line, diags)
    fix = next(a for a in actions if a.title.startswith(title_prefix))
    fixed = apply_edits(text, edits_for(fix.edit, uri))
    replace_all(client, uri, text, fixed, version=2)
    assert rule not in codes(await diagnostics_for(client, uri, version=2))
    return fixed


async def test_verify_false_is_removed_from_a_multiline_call(client, workspace):
    text = ("import requests\n\nresponse = requests.post(\n    url,\n"
            "    verify=False,  # lab only\n    timeout=5,\n)\n")
    fixed = await _fix(client, workspace, "tls.py", text, "APX450", "Remove verify=False")
    assert fixed == "import requests\n\nresponse = requests.post(\n    url,\n    timeout=5,\n)\n"


async def test_timeout_is_added(client, workspace):
    text = "import requests\n\ndata = requests.get(url, headers=h).json()\n"
    fixed = await _fix(client, workspace, "timeout.py", text, "APX460", "Add timeout=30")
    assert fixed == "import requests\n\ndata = requests.get(url, headers=h, timeout=30).json()\n"


async def test_usedforsecurity_is_added(client, workspace):
    text = "import hashlib\n\nkey = hashlib.md5(\n    payload,\n).hexdigest()\n"
    fixed = await _fix(client, workspace, "digest.py", text, "APX400", "Add usedforsecurity=False")
    assert fixed == ("import hashlib\n\nkey = hashlib.md5(\n    payload, usedforsecurity=False,\n"
                     ").hexdigest()\n")
