"""What a program sees after the runtime guard refuses something: a printable traceback
(traceback, logging, debuggers walk it), and a guard that keeps working and logging.
Real targets under `apex run`, on each interpreter present."""
from __future__ import annotations

import json
import subprocess
import sys

from apex_policy.audit import verify

PROGRAM = """\
import gc, logging, subprocess, traceback

logging.basicConfig(format="%(levelname)s %(message)s")
try:
    subprocess.run(["true"])
except PermissionError:
    logging.exception("LOGGED")                 # walks the traceback, guard frame included
    print("traceback mentions the guard:", "apex runtime guard" in traceback.format_exc())
try:
    gc.get_objects()                            # refused, and recorded in the audit log
except PermissionError as error:
    print("heap walk refused:", "guard_integrity" in str(error))
print("alive")
"""


def test_a_denial_prints_and_the_guard_keeps_logging(tree, python):
    root = tree({
        "pyproject.toml": '[tool.apex]\nmode = "hybrid"\n'
                          '[tool.apex.capabilities]\nsubprocess = "deny"\n',
        "prog.py": PROGRAM,
    })
    proc = subprocess.run([sys.executable, "-m", "apex_cli", "run", "--python", python,
                           str(root / "prog.py")], cwd=root, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["traceback mentions the guard: True",
                                        "heap walk refused: True", "alive"]
    assert "ERROR LOGGED" in proc.stderr and "PermissionError: apex runtime guard" in proc.stderr
    log = root / ".apex" / "audit.jsonl"
    assert verify(str(log)).anchored
    operations = [json.loads(line)["operation"] for line in log.read_text().splitlines()[1:]]
    assert operations == ["runtime.subprocess", "runtime.guard_integrity"]
