"""Isolation tests: real programs attacking the sandbox, with small, bounded limits."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None,
                                 reason="bubblewrap is not installed (scripts/setup --all)")
needs_root = pytest.mark.skipif(os.geteuid() != 0,
                                reason="cgroups and staged write dirs need root here")

#: Small limits so that exhaustion attempts stay harmless to the machine.
SMALL_LIMITS = {"memory": "200MB", "cpu": "2s", "wall": "20s", "processes": 6, "threads": 6,
                "open-files": 64, "file-size": "1MB", "disk": "8MB"}


def write_project(root: Path, *, limits=None, capabilities=None, mode="isolation") -> Path:
    lines = ["[tool.apex]", f'mode = "{mode}"', "", "[tool.apex.limits]"]
    for key, value in {**SMALL_LIMITS, **(limits or {})}.items():
        lines.append(f"{key} = {json.dumps(value)}")
    if capabilities:
        lines += ["", "[tool.apex.capabilities]"]
        for key, value in capabilities.items():
            lines.append(f"{key} = {json.dumps(value)}")
    (root / "pyproject.toml").write_text("\n".join(lines) + "\n")
    return root


class Run:
    def __init__(self, proc: subprocess.CompletedProcess, report: dict) -> None:
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.report = report

    def kinds(self) -> set[str]:
        return {v["kind"] for v in self.report.get("violations", [])}


def add_tools_override(project: Path) -> None:
    """An override letting code in ``tools/`` run ``true``, and ``tools/build.py``
    whose ``run(argv)`` starts a subprocess from there."""
    with open(project / "pyproject.toml", "a") as handle:
        handle.write('\n[[tool.apex.overrides]]\npaths = ["tools/**"]\n'
                     'capabilities = { subprocess = { allow = ["true"] } }\n')
    (project / "tools").mkdir()
    (project / "tools" / "__init__.py").write_text("")
    (project / "tools" / "build.py").write_text(textwrap.dedent("""\
        import subprocess

        def run(argv):
            return subprocess.run(argv).returncode
    """))


def apex_run(project: Path, program: str, *args: str, extra=(), env=None,
             timeout: float = 60) -> Run:
    script = project / "prog.py"
    script.write_text(textwrap.dedent(program))
    report = project / "report.json"
    cmd = [sys.executable, "-m", "apex_cli", "run", "--report-json", str(report), *extra,
           str(script), *args]
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=timeout,
                          env=env)
    data = json.loads(report.read_text()) if report.exists() else {}
    return Run(proc, data)


def run_unguarded(project: Path, program: str, *args: str):
    """The OS boundary alone (the in-process guard off), as if the guard were bypassed."""
    from apex_host.runner import RunRequest, execute

    script = project / "prog.py"
    script.write_text(textwrap.dedent(program))
    out = project / "out.txt"
    with open(out, "w") as stdout, open(project / "err.txt", "w") as stderr:
        report = execute(RunRequest(argv=[str(script), *args], cwd=str(project), guard=False,
                                    stdout=stdout, stderr=stderr, log=stderr))
    return report, out.read_text(), (project / "err.txt").read_text()


@pytest.fixture(autouse=True)
def state_home(tmp_path_factory, monkeypatch) -> Path:
    """A throwaway $XDG_STATE_HOME: audit keys and anchors stay out of the real home."""
    home = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    return write_project(root)
