"""Hot reload latency: a 2,000-line module with one changed function vs ``compile()`` of it.

    .venv/bin/python bench/bench_hotreload.py [--python PATH ...] [--runs N]

Each interpreter runs this file as a child (the reloader is standard library only): it
writes a generated 2,000-line module (functions, classes with methods and properties,
constants), imports it, and then repeatedly edits one function body, moves the file's
mtime on and times ``Reloader.apply()`` (read, compile, diff against the live module,
patch, dependants) next to ``compile()`` of the same source, interleaved in the same
process. Reported: median milliseconds of each and the ratio (target <= 2x).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ADAPTER = os.path.join(HERE, "..", "adapter")


def generate(lines: int = 2000) -> str:
    out = ["import functools", "", "LIMIT = 10", ""]
    index = 0
    while len(out) < lines:
        if index % 10 == 9:
            out += ["class Thing%d:" % index, "    SIZE = %d" % index, "",
                    "    def __init__(self, value):", "        self.value = value", "",
                    "    def double(self):", "        return self.value * 2", "",
                    "    @property", "    def label(self):",
                    "        return 'thing %d' % self.value", ""]
        else:
            out += ["def func%d(a, b=%d):" % (index, index),
                    "    total = 0",
                    "    for i in range(a):",
                    "        if i % 3 == 0:",
                    "            total += i * b",
                    "        else:",
                    "            total -= i",
                    "    return total + LIMIT", ""]
        index += 1
    out += ["", "def target(x):", "    return x + 1", ""]
    return "\n".join(out) + "\n"


def child(runs: int) -> dict:
    sys.path.insert(0, os.path.abspath(ADAPTER))
    from apex_harness.reload.service import Reloader

    workspace = tempfile.mkdtemp(prefix="apex-bench-reload-")
    path = os.path.join(workspace, "bigmodule.py")
    source = generate()
    with open(path, "w") as f:
        f.write(source)
    sys.path.insert(0, workspace)
    reloader = Reloader([workspace])
    import bigmodule

    def edit(version: int) -> str:
        text = source.replace("    return x + 1", "    return x + %d" % (version + 3))
        with open(path, "w") as f:
            f.write(text)
        stamp = time.time_ns() + version * 1_000_000
        os.utime(path, ns=(stamp, stamp))
        return text

    text = edit(-1)
    started = time.perf_counter()
    first = reloader.apply()
    cold = time.perf_counter() - started
    assert first.applied and [e["name"] for e in first.entries["patched"]] == ["bigmodule.target"], first.to_wire()
    reload_times, compile_times = [], []
    for version in range(runs):
        text = edit(version)
        started = time.perf_counter()
        report = reloader.apply()
        reload_times.append(time.perf_counter() - started)
        assert [e["name"] for e in report.entries["patched"]] == ["bigmodule.target"], \
            report.summary()
        started = time.perf_counter()
        compile(text, path, "exec", dont_inherit=True)
        compile_times.append(time.perf_counter() - started)
    assert bigmodule.target(1) == 1 + runs + 2
    return {"python": "%d.%d.%d" % sys.version_info[:3], "lines": text.count("\n"),
            "reload_ms": statistics.median(reload_times) * 1000,
            "compile_ms": statistics.median(compile_times) * 1000,
            "first_reload_ms": cold * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", help="interpreter(s) to measure")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.runs)))
        return 0
    pythons = args.python or [sys.executable] + [
        p for p in ("/root/.pyenv/versions/3.12.1/bin/python3",
                    "/root/.pyenv/versions/3.13.0/bin/python3") if os.path.exists(p)]
    print("| Python | lines | reload (median) | compile() | ratio | first reload |")
    print("|---|---|---|---|---|---|")
    worst = 0.0
    for python in pythons:
        out = subprocess.run([python, os.path.abspath(__file__), "--child", "--runs",
                              str(args.runs)], capture_output=True, text=True)
        if out.returncode:
            print(f"| {python} | failed: {out.stderr.strip().splitlines()[-1:]} |")
            continue
        r = json.loads(out.stdout)
        ratio = r["reload_ms"] / r["compile_ms"]
        worst = max(worst, ratio)
        print(f"| {r['python']} | {r['lines']} | {r['reload_ms']:.1f} ms | "
              f"{r['compile_ms']:.1f} ms | {ratio:.2f}x | {r['first_reload_ms']:.1f} ms |")
    print(f"\nworst ratio {worst:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
