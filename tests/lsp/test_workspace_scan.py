"""apex.scanWorkspace: results published for unopened files, $/progress, cancellation."""
from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from conftest import as_dict, until

pytestmark = pytest.mark.asyncio

SCAN = types.ExecuteCommandParams(command="apex.scanWorkspace", arguments=[])


async def test_scan_publishes_findings_with_progress(client, workspace):
    (workspace / "pkg").mkdir()
    (workspace / "pkg" / "bad.py").write_text("x = eval(expr)\n")
    (workspace / "pkg" / "good.py").write_text("print('ok')\n")
    (workspace / ".venv").mkdir()
    (workspace / ".venv" / "ignored.py").write_text("x = eval(expr)\n")
    summary = as_dict(await client.workspace_execute_command_async(SCAN))
    assert summary["files"] == 2 and summary["findings"] == 1
    assert summary["byRule"] == {"APX101": 1} and not summary["cancelled"]
    bad = (workspace / "pkg" / "bad.py").as_uri()
    assert [d.code for d in client.diagnostics[bad]] == ["APX101"]
    assert (workspace / ".venv" / "ignored.py").as_uri() not in client.diagnostics
    (token, reports), = client.progress_reports.items()
    kinds = [r.kind for r in reports]
    assert kinds[0] == "begin" and kinds[-1] == "end" and "report" in kinds
    assert reports[0].cancellable


async def test_scan_can_be_cancelled(client, workspace):
    for i in range(600):
        (workspace / f"m{i:03d}.py").write_text(
            "import subprocess\n" + "".join(f"def f{j}(x):\n    return x + {j}\n"
                                            for j in range(40)))
    task = asyncio.ensure_future(client.workspace_execute_command_async(SCAN))
    token = await until(client, lambda: next(iter(client.progress_reports), None)
                        if any(client.progress_reports.values()) else None)
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    summary = as_dict(await task)
    assert summary["cancelled"] and summary["files"] < 600
    assert client.progress_reports[token][-1].kind == "end"
    assert "cancelled" in client.progress_reports[token][-1].message
