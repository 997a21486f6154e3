"""Workloads for bench_timetravel.py (run under each interpreter; stdlib only).

    python timetravel_workloads.py NAME [--record] [--scale N]

prints ``BENCH {json}`` with the CPU time of the workload alone (and, with ``--record``,
the recorder's steps and bytes), then reaches the ``@bench_end`` line.
"""
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def float_loop(scale):
    x, y, vx, vy = 0.0, 1.0, 0.01, 0.0
    for _ in range(60000 * scale):
        r2 = x * x + y * y
        inv = 1.0 / (r2 * r2 ** 0.5)
        vx -= x * inv * 0.001
        vy -= y * inv * 0.001
        x += vx * 0.001
        y += vy * 0.001
    return x + y


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def call_heavy(scale):
    total = 0
    for _ in range(scale):
        total += fib(20)
    return total


def dict_string(scale):
    counts = {}
    words = ("alpha", "beta", "gamma", "delta", "epsilon")
    for i in range(25000 * scale):
        key = words[i % 5] + str(i % 97)
        counts[key] = counts.get(key, 0) + 1
        if i % 1000 == 0:
            text = ",".join(sorted(counts)[:20])
            counts[text[:8]] = len(text.split(","))
    return len(counts)


def stdlib_heavy(scale):
    data = {"items": [{"id": i, "name": "n%d" % i, "tags": ["a", "b"]} for i in range(300)]}
    pattern = re.compile(r"n(\d+)")
    total = 0
    for _ in range(25 * scale):
        text = json.dumps(data)
        back = json.loads(text)
        total += sum(int(m.group(1)) for m in pattern.finditer(text[:2000]))
        total += len(sorted(back["items"], key=lambda item: -item["id"]))
    return total


WORKLOADS = {"float": float_loop, "calls": call_heavy, "dict_string": dict_string,
             "stdlib": stdlib_heavy}


def main():
    name = sys.argv[1]
    scale = int(sys.argv[sys.argv.index("--scale") + 1]) if "--scale" in sys.argv else 1
    rec = None
    if "--record" in sys.argv:
        sys.path.insert(0, os.path.join(os.path.dirname(HERE), "adapter"))
        from apex_harness.recorder import Recorder
        rec = Recorder(workspace=HERE)
        rec.start()
    start = time.process_time()
    WORKLOADS[name](scale)
    cpu = time.process_time() - start
    result = {"workload": name, "cpu": cpu, "python": "%d.%d" % sys.version_info[:2]}
    if rec is not None:
        rec.stop()
        status = rec.status()
        result.update(steps=status["end"], bytes=status["bytes"], backend=status["backend"])
    print("BENCH " + json.dumps(result), flush=True)
    done = True  # @bench_end
    return done


if __name__ == "__main__":
    main()
