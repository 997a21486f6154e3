"""apex_policy (runtime guard side and audit writer) imports and runs on Python 3.9."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PY39 = Path("/root/.pyenv/versions/3.9.18/bin/python3")

SCRIPT = r"""
import json, sys
before = set(sys.modules)
import apex_policy.runtime, apex_policy.audit
heavy = sorted(m for m in set(sys.modules) - before
               if m.split(".")[0] in ("tomllib", "tomli", "apex_lsp", "msgspec", "pygls"))
from apex_policy.runtime import RuntimePolicy
from apex_policy.audit import AuditLog, verify
policy = RuntimePolicy.from_dict(json.loads(sys.argv[1]))
log = AuditLog(sys.argv[2], actor="py39")
log.append("network", outcome=policy.decide("network", ("example.com", 443)))
import apex_policy.model, apex_policy.loader, apex_policy.switching  # the rest imports too
print(json.dumps({"heavy": heavy, "decide": policy.decide("network", "localhost:8000"),
                  "verify": verify(sys.argv[2]).ok, "version": sys.version_info[:2]}))
"""


@pytest.mark.skipif(not PY39.exists(), reason=f"{PY39} is not installed")
def test_runtime_and_audit_on_python39(project, tmp_path):
    from apex_policy import load_settings
    root = project('mode = "isolation"\n[capabilities.network]\nallow = ["localhost:8000"]\n')
    runtime = json.dumps(load_settings(str(root)).settings.policy.to_runtime())
    env = dict(os.environ, PYTHONPATH=str(REPO / "server"))
    out = subprocess.run([str(PY39), "-c", SCRIPT, runtime, str(tmp_path / "a.jsonl")],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result == {"heavy": [], "decide": "allow", "verify": True, "version": [3, 9]}
