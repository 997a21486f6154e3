"""`apex run --reload`: the harness watches the workspace and patches the running program.

Real `apex run` processes on 3.11-3.13; the program prints a line per tick and the test
edits its module, waiting (bounded) for the printed value to change.
"""
from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time

import pytest

from .conftest import edit, write

TICKER = '''
import os
import time
import work


def suffix():
    return ""


ticks = 0
while not os.path.exists("stop"):
    ticks += 1
    print("TICK", ticks, work.value() + suffix(), flush=True)
    time.sleep(0.05)
'''

WORK = '''
def value():
    return "old"
'''


class Run:
    def __init__(self, python: str, cwd, *extra: str) -> None:
        env = dict(os.environ, HOME=str(cwd))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "apex_cli", "run", "--python", python, *extra, "ticker.py"],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True, env=env)
        self.cwd = cwd
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, predicate, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if predicate(line):
                return line
        raise AssertionError("not seen in time; output so far:\n" + "\n".join(self.seen))

    def stop(self) -> int:
        with open(os.path.join(self.cwd, "stop"), "w"):
            pass
        try:
            return self.process.wait(30)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, 9)
                self.process.wait()


@pytest.fixture
def run(tmp_path):
    runs = []

    def start(python, *extra) -> Run:
        write(tmp_path / "ticker.py", TICKER)
        write(tmp_path / "work.py", WORK)
        r = Run(python, tmp_path, *extra)
        runs.append(r)
        return r

    yield start
    for r in runs:
        if r.process.poll() is None:
            os.killpg(r.process.pid, 9)
            r.process.wait()


def _tick(line: str):
    parts = line.split()
    return (int(parts[1]), parts[2]) if len(parts) == 3 and parts[0] == "TICK" else None


def test_reload_watcher_patches_running_program(target_python, run, tmp_path):
    r = run(target_python, "--reload")
    r.wait_for(lambda line: "hot reload on" in line)
    before = _tick(r.wait_for(lambda line: (_tick(line) or (0, ""))[1] == "old"))
    edit(tmp_path / "work.py", 'return "old"', 'return "new"')
    r.wait_for(lambda line: "hot reload of work: patched 1 (work.value)" in line)
    after = _tick(r.wait_for(lambda line: (_tick(line) or (0, ""))[1] == "new"))
    # Same process, state kept: the tick counter went on instead of starting again.
    assert after[0] > before[0]

    # A syntax error is reported once and nothing is applied; fixing it applies.
    edit(tmp_path / "work.py", 'return "new"', 'return "broken" +')
    r.wait_for(lambda line: "nothing applied" in line and "work.py:3" in line)
    r.wait_for(lambda line: (_tick(line) or (0, ""))[1] == "new")
    edit(tmp_path / "work.py", 'return "broken" +', 'return "fixed"')
    r.wait_for(lambda line: (_tick(line) or (0, ""))[1] == "fixed")
    # The script itself (__main__): its function is patched, its loop keeps running.
    edit(tmp_path / "ticker.py", 'return ""', 'return "-main"')
    r.wait_for(lambda line: (_tick(line) or (0, ""))[1] == "fixed-main")
    assert r.stop() == 0
    assert sum("nothing applied" in line for line in r.seen) == 1
    records = (tmp_path / ".apex" / "audit.jsonl")
    if records.exists():
        assert '"hot_reload"' in records.read_text()


def test_reload_refused_by_policy_runs_without_it(run, tmp_path):
    r = run(sys.executable, "--mode", "hybrid", "--reload")
    r.wait_for(lambda line: "--reload refused: hot reload is denied in hybrid mode" in line)
    r.wait_for(lambda line: (_tick(line) or (0, ""))[1] == "old")
    assert r.stop() == 0
