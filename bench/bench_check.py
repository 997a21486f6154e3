"""`apex check` against bandit and `ruff check --select S` on one corpus, in one run.

    .venv/bin/python bench/bench_check.py [--corpus DIR] [--repeat N] [--skip-peers]

The corpus defaults to the standard library of the running interpreter, minus
its test directories and site-packages; nothing is copied. Every tool gets the
same explicit list of files, runs as a child process (after one warm-up run on
one file, with its bytecode cached as an installed package has it), and reports
JSON to /dev/null. Printed per tool: files, kLOC, wall and CPU seconds (children's
user + system), kLOC/s (wall), then the throughput ratios apex/bandit and
apex/ruff. Then, for the largest real-code file (most statements), the time of
apex's per-file analysis (every default rule plus the taint pass, as `apex
check` runs it) against ``ast.parse`` + one ``ast.NodeVisitor`` walk.

Targets (issue 2): apex >= 6x bandit's throughput in a single process
(``--jobs 1``); per-file analysis within 2x of parse + walk.
"""
from __future__ import annotations

import argparse
import ast
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings

SKIP_PARTS = ("test", "tests", "idle_test", "site-packages", "__pycache__")


def corpus_files(root: str) -> list[str]:
    files = []
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_PARTS)
        files.extend(os.path.join(directory, n) for n in sorted(names) if n.endswith(".py"))
    return files


def count_lines(files: list[str]) -> int:
    total = 0
    for path in files:
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total


def timed(command: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """Wall and CPU seconds (the child's user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        sys.exit(f"{command[:4]} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return wall, cpu, proc.returncode


def best_of(repeat: int, command: list[str], env: dict | None = None) -> tuple[float, float]:
    runs = [timed(command, env)[:2] for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def bytecode_env(cache_dir: str) -> dict:
    """The environment for Python tools: bytecode cached (in ``cache_dir``) as an installed
    package has it, even when the caller set PYTHONDONTWRITEBYTECODE; without that, every
    run of apex (an editable install) recompiled ~220 modules (0.15 s CPU) while bandit
    loaded its installed .pyc files."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache_dir
    return env


def tools(files: list[str], skip_peers: bool, env: dict) -> list[tuple[str, list[str], dict]]:
    python = sys.executable
    apex = [python, "-m", "apex_cli", "check", "--format", "json", "--exit-zero",
            "-o", os.devnull]
    rows = [("apex --jobs 1", apex + ["--jobs", "1"] + files, env),
            ("apex --jobs 1 --no-taint", apex + ["--jobs", "1", "--no-taint"] + files, env),
            (f"apex --jobs {os.cpu_count()}", apex + ["--jobs", "0"] + files, env)]
    if skip_peers:
        return rows
    rows.append(("bandit", [python, "-m", "bandit", "-q", "-f", "json", "-o", os.devnull]
                 + files, env))
    ruff = shutil.which("ruff", path=os.path.dirname(python)) or shutil.which("ruff")
    if ruff:
        base = [ruff, "check", "--select", "S", "--no-cache", "--exit-zero",
                "--output-format", "json", "--isolated", "-q"]
        rows.append(("ruff --select S", base + files, env))
        rows.append(("ruff, 1 thread", base + files, dict(os.environ, RAYON_NUM_THREADS="1")))
    else:
        print("ruff not found; skipping it", file=sys.stderr)
    return rows


def largest_real_file(files: list[str]) -> str:
    """The file with the most statements: real code, not a big string or table."""
    best, most = files[0], -1
    for path in files:
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        count = sum(isinstance(n, ast.stmt) for n in ast.walk(tree))
        if count > most:
            best, most = path, count
    return best


def per_file(path: str, repeat: int) -> tuple[float, float]:
    from apex_lsp.analysis.checker import Checker

    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    checker = Checker()
    project = checker.project_for(path)
    from apex_lsp.analysis.taint.checking import taint_passes
    checker.passes_factory = taint_passes
    analyzer = checker.analyzer_for(project)

    class Walk(ast.NodeVisitor):
        pass

    def floor():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Walk().visit(ast.parse(source, path))

    def apex():
        analyzer.analyze_source(source, path)

    apex()  # warm caches that a long run has warm too (imports, regexes)
    floor()

    def best(fn):
        times = []
        for _ in range(repeat):
            start = time.process_time()
            fn()
            times.append(time.process_time() - start)
        return min(times)
    return best(apex), best(floor)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=sysconfig.get_paths()["stdlib"],
                        help="directory to analyse (default: this interpreter's stdlib)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per tool; the best is kept (default 1)")
    parser.add_argument("--skip-peers", action="store_true", help="run apex only")
    args = parser.parse_args()

    files = corpus_files(args.corpus)
    kloc = count_lines(files) / 1000
    print(f"corpus: {args.corpus} ({len(files)} files, {kloc:.1f} kLOC), "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print("| tool | files | kLOC | wall s | CPU s | kLOC/s (wall) |")
    print("|---|---|---|---|---|---|")
    wall_s, cpu_s = {}, {}
    cache = tempfile.TemporaryDirectory(prefix="bench-pycache-")
    env = bytecode_env(cache.name)
    for name, command, tool_env in tools(files, args.skip_peers, env):
        # Warm-up on one file: writes the bytecode cache, so no timed run compiles modules.
        timed(command[:len(command) - len(files)] + files[:1], tool_env)
        wall_s[name], cpu_s[name] = best_of(args.repeat, command, tool_env)
        print(f"| {name} | {len(files)} | {kloc:.1f} | {wall_s[name]:.2f} | {cpu_s[name]:.2f} "
              f"| {kloc / wall_s[name]:.1f} |")
    print("\nthroughput ratios (by wall time; by CPU time in brackets, steadier on a shared machine):")
    for apex in ("apex --jobs 1", "apex --jobs 1 --no-taint"):
        for peer in ("bandit", "ruff --select S", "ruff, 1 thread"):
            if peer in wall_s:
                print(f"  {apex} / {peer}: {wall_s[peer] / wall_s[apex]:.3g}x "
                      f"[{cpu_s[peer] / cpu_s[apex]:.3g}x]"
                      + ("  (target >= 6x)" if peer == "bandit" else ""))

    path = largest_real_file(files)
    apex_s, floor_s = per_file(path, max(3, args.repeat))
    lines = count_lines([path])
    print(f"\nper file: {os.path.relpath(path, args.corpus)} ({lines} lines): apex analysis "
          f"{apex_s * 1000:.0f} ms CPU, ast.parse + NodeVisitor walk {floor_s * 1000:.0f} ms; "
          f"ratio {apex_s / floor_s:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
