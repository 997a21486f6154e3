"""Benchmark `apex dap` against debugpy alone, in one run, on this machine.

1. A CPU-bound program: plain, under `apex dap` (no breakpoints), under debugpy's own
   adapter (`python -m debugpy.adapter`, no breakpoints): wall time from the launch request
   (or process start) to exit.
2. Time from the launch request to the first `stopped` at a breakpoint, apex vs debugpy.
3. At that stop, one `stackTrace` round trip (editor request to response), apex vs
   debugpy: the latency every step, hover and variables view pays.

Prints medians and ratios. Target: apex within 10 % of debugpy alone (recording off).
Usage: .venv/bin/python bench/bench_dap.py [--repeat N] [--python PATH]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from tests.dap.client import DapClient, find_marker  # noqa: E402

CPU_PROGRAM = '''
def fib(n):  # @start
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def nbody(steps):
    x, y, vx, vy = 1.0, 0.0, 0.0, 1.0
    for _ in range(steps):
        r3 = (x * x + y * y) ** 1.5
        vx -= x / r3 * 0.001
        vy -= y / r3 * 0.001
        x += vx * 0.001
        y += vy * 0.001
    return x, y

total = fib(27) + sum(nbody(2_000_000))
first = 1  # @first
print("result", total)
'''


def _adapter(kind: str, python: str) -> DapClient:
    if kind == "apex":
        command = [sys.executable, "-m", "apex_dap"]
    else:
        command = [sys.executable, "-m", "debugpy.adapter"]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    return DapClient(process.stdout, process.stdin, process)


ROUND_TRIPS = 30


def _stack_trace_round_trip(client: DapClient, thread_id: int) -> float:
    """Median seconds of one stackTrace request/response while stopped."""
    client.request("stackTrace", {"threadId": thread_id})  # warm up caches on both sides
    times = []
    for _ in range(ROUND_TRIPS):
        start = time.perf_counter()
        client.request("stackTrace", {"threadId": thread_id})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _session(kind: str, python: str, program: str, breakpoint_line: int | None
             ) -> tuple[float, float | None]:
    """Seconds from the launch request to exit (no breakpoint) or to the first stop,
    and (with a breakpoint) the median stackTrace round trip at that stop."""
    client = _adapter(kind, python)
    try:
        client.initialize()
        start = time.perf_counter()
        seq = client.request_async("launch", {"program": program, "python": python,
                                              "console": "internalConsole",
                                              "justMyCode": True, "resources": False})
        client.wait_for(lambda m: (m.get("event") == "initialized") or (
            m.get("request_seq") == seq and not m.get("success")), timeout=60)
        failed = [m for m in client.timeline if m.get("request_seq") == seq and not m["success"]]
        if failed:
            raise RuntimeError(f"{kind}: launch failed: {failed[0].get('message')}")
        if breakpoint_line:
            client.request("setBreakpoints", {"source": {"path": program},
                                              "breakpoints": [{"line": breakpoint_line}]})
        client.request("configurationDone")
        client.response(seq, timeout=60)
        if breakpoint_line:
            stopped = client.stopped(timeout=120)
            elapsed = time.perf_counter() - start
            round_trip = _stack_trace_round_trip(client, stopped["threadId"])
            client.request("disconnect", {"terminateDebuggee": True})
            return elapsed, round_trip
        client.wait_event("terminated", timeout=300)
        return time.perf_counter() - start, None
    finally:
        client.close(timeout=15)


def _plain(python: str, program: str) -> float:
    start = time.perf_counter()
    subprocess.run([python, program], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python", default=sys.executable)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        program = os.path.join(tmp, "cpu.py")
        with open(program, "w") as f:
            f.write(CPU_PROGRAM)
        # the breakpoint is on the program's first statement, so start-up dominates
        line = find_marker(program, "start")
        runs: dict[str, list[float]] = {k: [] for k in (
            "plain", "apex", "debugpy", "apex stop", "debugpy stop", "apex rt", "debugpy rt")}
        for _ in range(options.repeat):  # interleaved so machine noise hits all alike
            runs["plain"].append(_plain(options.python, program))
            for kind in ("apex", "debugpy"):
                runs[kind].append(_session(kind, options.python, program, None)[0])
            for kind in ("apex", "debugpy"):
                elapsed, round_trip = _session(kind, options.python, program, line)
                runs[f"{kind} stop"].append(elapsed)
                runs[f"{kind} rt"].append(round_trip)
    med = {k: statistics.median(v) for k, v in runs.items()}
    version = subprocess.run([options.python, "-c", "import sys; print(sys.version.split()[0])"],
                             capture_output=True, text=True).stdout.strip()
    print(f"Python {version}, {options.repeat} runs each, medians (wall seconds)")
    print(f"  CPU-bound program: plain {med['plain']:.3f}  apex {med['apex']:.3f}  "
          f"debugpy {med['debugpy']:.3f}")
    print(f"    apex / plain   = {med['apex'] / med['plain']:.2f}x")
    print(f"    debugpy / plain = {med['debugpy'] / med['plain']:.2f}x")
    print(f"    apex / debugpy = {med['apex'] / med['debugpy']:.2f}x")
    print(f"  launch -> first stopped: apex {med['apex stop']:.3f}  debugpy {med['debugpy stop']:.3f}"
          f"  apex / debugpy = {med['apex stop'] / med['debugpy stop']:.2f}x")
    print(f"  stackTrace round trip at a stop (median of {ROUND_TRIPS} per run, ms): "
          f"apex {med['apex rt'] * 1e3:.2f}  debugpy {med['debugpy rt'] * 1e3:.2f}"
          f"  apex / debugpy = {med['apex rt'] / med['debugpy rt']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
