"""Harness benchmark: start-up cost, attach latency, idle overhead. One run, ratios vs a peer.

    .venv/bin/python bench/bench_harness.py [--python PATH] [--runs N]

* start-up: wall and CPU time (user + system, children included) from spawn to exit of
  an empty program: plain `python prog.py` against the ways the harness gets in (boot.py,
  boot.py + connecting to a host, sitecustomize + listen) and the whole `apex run` CLI in
  development and isolation modes. CPU time is the steadier figure on a loaded machine.
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
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "adapter"), os.path.join(HERE, "..", "server")]

from apex_host import BOOT_SCRIPT  # noqa: E402
from apex_host.attach import attach, find_working_gdb  # noqa: E402
from apex_host.client import HarnessError, Listener  # noqa: E402
from apex_host.launch import harness_env, spawn  # noqa: E402

CPU_BOUND = """
import time
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
start = time.process_time()
total = 0
for i in range(6000000):
    total += i * i % 7
fib(28)
print(time.process_time() - start)
"""


def measure(cmd, env=None) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; CPU includes the children it waited for."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def startup(python: str, runs: int, workdir: str) -> list[tuple[str, float, float]]:
    prog = os.path.join(workdir, "empty.py")
    with open(prog, "w") as handle:
        handle.write("pass\n")
    listener = Listener.open()
    stop = threading.Event()

    def serve():                     # the host side of the "connect" row
        while not stop.is_set():
            try:
                client = listener.accept(timeout=0.5)
            except HarnessError:
                continue
            except OSError:          # the listener was closed: the rows are done
                return
            client.close()

    threading.Thread(target=serve, daemon=True).start()
    connect_env = harness_env(None, connect=listener.address, token=listener.token)
    site_env = {**os.environ, "PYTHONPATH": os.path.join(os.path.dirname(BOOT_SCRIPT), "_site"),
                "APEX_HARNESS_LISTEN": "127.0.0.1:0", "APEX_HARNESS_TOKEN": "bench"}
    apex = [sys.executable, "-m", "apex_cli", "run"]
    rows = [
        ("plain python", [python, prog], None),
        ("boot.py, no session", [python, BOOT_SCRIPT, prog], None),
        ("boot.py + connect to a host (launch, apex run)", [python, BOOT_SCRIPT, prog],
         connect_env),
        ("sitecustomize + listen (env vars only)", [python, prog], site_env),
        ("apex run --mode development (whole CLI)", [*apex, "--mode", "development",
                                                     "--python", python, prog], None),
        ("apex run --mode isolation (whole CLI)", [*apex, "--mode", "isolation",
                                                   "--allow-partial-isolation",
                                                   "--python", python, prog], None),
        ("apex CLI alone (apex --version)", [sys.executable, "-m", "apex_cli", "--version"],
         None),
    ]
    samples = {name: [] for name, _, _ in rows}
    for name, cmd, env in rows:
        measure(cmd, env)                       # warm the page cache
    for _ in range(runs):                       # interleaved, so load drift hits all rows
        for name, cmd, env in rows:
            samples[name].append(measure(cmd, env))
    stop.set()
    listener.close()
    return [(name, statistics.median(w for w, _ in values),
             statistics.median(c for _, c in values)) for name, values in samples.items()]


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
    # The minimum is the run least disturbed by other load; both are printed.
    return (statistics.median(plain), statistics.median(harnessed), min(plain),
            min(harnessed))


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
        _, wall0, cpu0 = rows[0]
        print("\n| start-up | wall ms | CPU ms | CPU overhead vs plain |\n|---|---|---|---|")
        for name, wall, cpu in rows:
            print(f"| {name} | {wall * 1000:.0f} | {cpu * 1000:.0f} | "
                  f"{(cpu - cpu0) * 1000:+.0f} ms |")
        print("\n| attach | seconds |\n|---|---|")
        for name, value in attach_latency(args.python, max(3, args.runs // 2)):
            print(f"| {name} | {value:.2f} |")
        plain, harnessed, plain_min, harnessed_min = idle_overhead(args.python, args.runs,
                                                                   workdir)
        print("\n| idle harness, CPU-bound program | CPU s, median | CPU s, min |\n"
              "|---|---|---|")
        print(f"| plain | {plain:.3f} | {plain_min:.3f} |")
        print(f"| harness connected, idle | {harnessed:.3f} | {harnessed_min:.3f} |")
        print(f"| ratio (target <= 1.05x) | {harnessed / plain:.3f}x | "
              f"{harnessed_min / plain_min:.3f}x |")


if __name__ == "__main__":
    main()
