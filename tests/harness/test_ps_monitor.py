"""`apex ps` and the resource monitor against real processes."""
from __future__ import annotations

import json
import subprocess
import sys
import time

from apex_host.launch import spawn
from apex_host.monitor import ResourceMonitor

HOLD = "import sys; sys.stdin.readline()\n"


def _apex_ps_json() -> dict:
    out = subprocess.run([sys.executable, "-m", "apex_cli", "ps", "--json"],
                         capture_output=True, text=True, timeout=60, check=True)
    return {p["pid"]: p for p in json.loads(out.stdout)["processes"]}


def test_ps_lists_python_processes_and_harness_presence(target_python, tmp_path, kill_after):
    script = tmp_path / "hold.py"
    script.write_text(HOLD)
    plain = subprocess.Popen([target_python, str(script)], stdin=subprocess.PIPE)
    kill_after(plain)
    with spawn([str(script)], python=target_python, stdin=subprocess.PIPE) as handle:
        listed = _apex_ps_json()
        assert listed[handle.pid]["harness"] is True
        assert listed[plain.pid]["harness"] is False
        version = handle.client.info["python"]
        assert listed[plain.pid]["python"] in (version, version.rsplit(".", 1)[0])
        assert listed[plain.pid]["cmdline"][-1] == str(script)
        text = subprocess.run([sys.executable, "-m", "apex_cli", "ps"], capture_output=True,
                              text=True, timeout=60).stdout
        line = next(l for l in text.splitlines() if l.split()[0] == str(handle.pid))
        assert " yes " in line


def test_resource_monitor_reports_a_growing_tree(tmp_path, kill_after):
    script = tmp_path / "grow.py"
    script.write_text("import subprocess, sys\n"
                      "blob = bytearray(30 * 1024 * 1024)\n"
                      "child = subprocess.Popen([sys.executable, '-c', 'import sys; "
                      "sys.stdin.read()'], stdin=subprocess.PIPE)\n"
                      "print('ready', flush=True)\nsys.stdin.readline()\n")
    proc = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    kill_after(proc)
    assert proc.stdout.readline().strip() == "ready"
    samples = []
    monitor = ResourceMonitor(proc.pid, interval=0.05, on_sample=samples.append).start()
    deadline = time.monotonic() + 10
    while not samples and time.monotonic() < deadline:
        time.sleep(0.02)
    peaks = monitor.stop()
    sample = samples[0]
    assert sample["rssBytes"] >= 30 * 1024 * 1024
    assert sample["children"] == 1 and sample["processes"] == 2
    assert sample["threads"] >= 2 and sample["openFiles"] >= 3
    assert peaks["rssBytes"] >= sample["rssBytes"]


def test_launched_target_reports_resources(tmp_path):
    script = tmp_path / "hold.py"
    script.write_text(HOLD)
    samples = []
    with spawn([str(script)], stdin=subprocess.PIPE) as handle:
        monitor = handle.monitor(samples.append, interval=0.05)
        # The harness's writer thread may start just after the first sample: wait for it.
        deadline = time.monotonic() + 10
        while not any(s["threads"] >= 3 for s in samples) and time.monotonic() < deadline:
            time.sleep(0.02)
        monitor.stop()
    assert samples and samples[0]["pid"] == handle.pid
    # the program + the harness's I/O and writer threads
    assert any(s["threads"] >= 3 for s in samples), samples
