"""Harness benchmark: start-up cost, attach latency, idle overhead. One run, ratios vs a peer.

    .venv/bin/python bench/bench_harness.py [--python PATH] [--runs N]

* start-up: wall time from spawn to exit of an empty program, plain `python prog.py`
  against the ways the harness gets in (boot.py, sitecustomize + listen, boot + connect
  to a host) and the whole `apex run` CLI in development and isolation modes.
* attach: wall time of `apex_host.attach.attach(pid)` on a program blocked in a system
  call (direct route) and one running bytecode (pending-call route); the gdb probe is
  warmed first and reported on its own.
* idle overhead: CPU seconds of a CPU-bound program alone vs with a connected, idle
  harness (target <= 1.05x).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "adapter"), os.path.join(HERE, "..", "server")]

from apex_host import BOOT_SCRIPT  # noqa: E402
from apex_host.attach import attach, find_working_gdb  # noqa: E402
from apex_host.launch import spawn  # noqa: E402

CPU_BOUND = """
import time
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
start = time.process_time()
total = 0
for i in range(3000000):
    total += i * i % 7
fib(27)
print(time.process_time() - start)
"""


def median_wall(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def startup(python: str, runs: int, workdir: str) -> list[tuple[str, float]]:
    prog = os.path.join(workdir, "empty.py")
    with open(prog, "w") as handle:
        handle.write("pass\n")
    env_site = {**os.environ, "PYTHONPATH": os.path.join(os.path.dirname(BOOT_SCRIPT), "_site"),
                "APEX_HARNESS_LISTEN": "127.0.0.1:0", "APEX_HARNESS_TOKEN": "bench"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}

    def run(cmd, env=None):
        return lambda: subprocess.run(cmd, env=env, check=False, **quiet)

    def connected():
        handle = spawn([prog], python=python, **quiet)
        handle.wait()
        handle.close()

    apex = [sys.executable, "-m", "apex_cli", "run"]
    rows = [
        ("plain python", run([python, prog])),
        ("boot.py (harness loaded, idle)", run([python, BOOT_SCRIPT, prog])),
        ("sitecustomize + listen", run([python, prog], env_site)),
        ("boot.py + connect to host (spawn)", connected),
        ("apex run --mode development", run([*apex, "--mode", "development", "--python",
                                             python, prog])),
        ("apex run --mode isolation", run([*apex, "--mode", "isolation",
                                           "--allow-partial-isolation", "--python", python,
                                           prog])),
        ("apex CLI start (apex --version)", run([sys.executable, "-m", "apex_cli",
                                                 "--version"])),
    ]
    results = []
    for name, fn in rows:
        fn()                                   # warm the page cache
        results.append((name, median_wall(fn, runs)))
    return results


def attach_latency(python: str, runs: int) -> list[tuple[str, float]]:
    programs = {
        "attach, blocked in syscall (direct)": "import time\nprint('r', flush=True)\n"
                                               "while True:\n    time.sleep(0.5)\n",
        "attach, running bytecode (pending call)": "print('r', flush=True)\nn = 0\n"
                                                   "while True:\n    n += 1\n",
    }
    started = time.perf_counter()
    find_working_gdb(python)
    out = [("gdb safety probe (once per gdb/interpreter)", time.perf_counter() - started)]
    for name, source in programs.items():
        samples = []
        for _ in range(runs):
            proc = subprocess.Popen([python, "-c", source], stdout=subprocess.PIPE, text=True)
            proc.stdout.readline()
            t0 = time.perf_counter()
            client = attach(proc.pid)
            samples.append(time.perf_counter() - t0)
            client.close()
            proc.kill()
            proc.wait()
        out.append((name, statistics.median(samples)))
    return out


def idle_overhead(python: str, runs: int, workdir: str) -> tuple[float, float]:
    prog = os.path.join(workdir, "cpu.py")
    with open(prog, "w") as handle:
        handle.write(CPU_BOUND)
    plain, harnessed = [], []
    for _ in range(runs):                      # interleaved, so drift hits both alike
        out = subprocess.run([python, prog], capture_output=True, text=True).stdout
        plain.append(float(out))
        handle = spawn([prog], python=python, stdout=subprocess.PIPE)
        out = handle.process.communicate()[0].decode()
        handle.close()
        harnessed.append(float(out))
    return statistics.median(plain), statistics.median(harnessed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    version = subprocess.run([args.python, "-c", "import platform; "
                              "print(platform.python_version())"],
                             capture_output=True, text=True).stdout.strip()
    print(f"target Python {version}; medians of {args.runs} runs; wall seconds unless noted")
    with tempfile.TemporaryDirectory() as workdir:
        rows = startup(args.python, args.runs, workdir)
        base = rows[0][1]
        print("\n| start-up | wall ms | overhead vs plain |\n|---|---|---|")
        for name, value in rows:
            print(f"| {name} | {value * 1000:.0f} | {(value - base) * 1000:+.0f} ms |")
        print("\n| attach | seconds |\n|---|---|")
        for name, value in attach_latency(args.python, max(3, args.runs // 2)):
            print(f"| {name} | {value:.2f} |")
        plain, harnessed = idle_overhead(args.python, args.runs, workdir)
        print("\n| idle harness, CPU-bound program | CPU s |\n|---|---|")
        print(f"| plain | {plain:.3f} |\n| harness connected, idle | {harnessed:.3f} |")
        print(f"| ratio | {harnessed / plain:.3f}x (target <= 1.05x) |")


if __name__ == "__main__":
    main()
