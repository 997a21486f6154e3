"""Hot reload tests: real target processes on every interpreter present (3.11-3.13)."""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import textwrap
import time

import pytest

TARGET_VERSIONS = ("3.11", "3.12", "3.13")


def find_python(version: str) -> str | None:
    if sys.version_info[:2] == tuple(int(p) for p in version.split(".")):
        return sys.executable
    for root in (os.path.expanduser("~/.pyenv/versions"), "/root/.pyenv/versions"):
        for path in sorted(glob.glob(os.path.join(root, version + ".*", "bin", "python3"))):
            return path
    return None


@pytest.fixture(params=TARGET_VERSIONS)
def target_python(request) -> str:
    path = find_python(request.param)
    if path is None:
        pytest.skip(f"Python {request.param} is not installed here")
    return path


def write(path, text: str) -> None:
    """Write a module and move its mtime forward (edits within one mtime tick count)."""
    previous = os.stat(path).st_mtime_ns if os.path.exists(path) else 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(textwrap.dedent(text))
    stamp = max(time.time_ns(), previous + 10_000_000)
    os.utime(path, ns=(stamp, stamp))


def edit(path, old: str, new: str) -> None:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, f"{old!r} not in {path}"
    write(path, text.replace(old, new))


DRIVER = '''
import sys
import app
import other

for line in sys.stdin:
    try:
        value = eval(line, vars(app))
        print("=", repr(value))
    except Exception as exc:
        print("!", type(exc).__name__, exc)
    sys.stdout.flush()
'''


class Target:
    """A program under the harness evaluating expressions sent on stdin in ``app``."""

    def __init__(self, python: str, workspace: str) -> None:
        from apex_host.launch import spawn
        self.handle = spawn(["driver.py"], python=python, cwd=workspace,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1)
        self.workspace = workspace

    def ask(self, expression: str) -> str:
        process = self.handle.process
        process.stdin.write(expression + "\n")
        process.stdin.flush()
        line = process.stdout.readline()
        assert line, f"the target ended: {process.stderr.read()}"
        return line.rstrip("\n")

    def request(self, command: str, arguments: dict | None = None) -> dict:
        return self.handle.client.request(command, arguments or {}, timeout=30)

    def reload(self, **arguments) -> dict:
        return self.request("reload.apply", arguments)

    def close(self) -> None:
        try:
            self.handle.close()
        finally:
            self.handle.kill()


@pytest.fixture
def make_target(tmp_path):
    targets = []

    def make(python: str, app: str, other: str = "from app import *\n") -> Target:
        write(tmp_path / "app.py", app)
        write(tmp_path / "other.py", other)
        write(tmp_path / "driver.py", DRIVER)
        target = Target(python, str(tmp_path))
        targets.append(target)
        target.request("reload.enable", {"roots": [str(tmp_path)]})
        # The driver imports app before reading stdin: after this answer, edits are
        # edits of a running program (not of a file it has yet to import).
        assert target.ask("0") == "= 0"
        return target

    yield make
    for target in targets:
        target.close()


def names(report: dict, key: str) -> list[str]:
    return [entry["name"] for entry in report[key]]
