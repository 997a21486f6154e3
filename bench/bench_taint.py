"""Taint analysis cost: taint on vs off, on the stdlib and on real web applications,
and per-edit re-analysis of one function in a 5,000-line file vs parse + walk.

    .venv/bin/python bench/bench_taint.py [--repeat N] [--files N] [--no-web] [--instructions]

Every figure is CPU time in this process, the best of ``--repeat`` runs, and is
printed as a ratio against its peer measured in the same run (the machines are
shared and noisy; absolute numbers are for orientation only). The web corpus is
downloaded from PyPI with pip into a temporary directory at bench time (sdists
of FlaskBB, a Flask forum, and Mezzanine, a Django CMS), never into the repo.

Targets (issue 3): taint adds at most 60 % to a full analysis run; re-analysing
one edited function of a 5,000-line file takes at most 2x parse + walk.
"""
from __future__ import annotations

import argparse
import ast
import glob
import os
import re
import resource
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import warnings

from apex_lsp.analysis import Analyzer, all_rules
from apex_lsp.analysis.taint.checking import cross_file_findings
from apex_lsp.analysis.taint.kinds import KINDS
from apex_lsp.analysis.taint.report import reconcile
from apex_lsp.analysis.taint.taint_pass import TaintPass
from apex_lsp.analysis.taint.workspace import TaintWorkspace, overruled

WEB_APPS = ("flaskbb==2.2.0", "mezzanine==6.1.1")
TAINT_IDS = {k.rule_id for k in KINDS.values()}


def cpu(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def stdlib_files(limit: int | None) -> list[str]:
    root = sysconfig.get_paths()["stdlib"]
    skip = ("/test/", "/tests/", "/idle_test/", "/site-packages/", "/lib2to3/")
    files = sorted(p for p in glob.glob(os.path.join(root, "**", "*.py"), recursive=True)
                   if not any(s in p for s in skip))
    return files[:limit] if limit else files


def web_files(directory: str) -> list[str]:
    try:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", "--python-version", "3.12",
                        "--only-binary=:none:", "-d", directory, *WEB_APPS],
                       check=True, timeout=600, capture_output=True)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"web corpus: download failed ({exc}); skipped")
        return []
    for archive in glob.glob(os.path.join(directory, "*.tar.gz")):
        with tarfile.open(archive) as tar:
            tar.extractall(directory, filter="data") if sys.version_info >= (3, 12) \
                else tar.extractall(directory)
    return sorted(glob.glob(os.path.join(directory, "*", "**", "*.py"), recursive=True))


def read_all(files):
    out = []
    for path in files:
        with open(path, "rb") as handle:
            out.append((path, handle.read()))
    return out


def full_run(corpus, taint: bool):
    """What `apex check` does per file, serially: every default rule, plus the taint
    pass and the workspace linking for cross-file findings when ``taint``."""
    rules = [r for r in all_rules() if r.enabled_by_default and (taint or r.id not in TAINT_IDS)]

    def run():
        with tempfile.TemporaryDirectory(prefix="apex-bench-facts-") as facts_dir:
            passes = [TaintPass(cache=False, facts_dir=facts_dir, reconcile_later=True)] \
                if taint else [TaintPass(())]
            analyzer = Analyzer(rules, passes=passes)
            findings = []
            for path, data in corpus:
                findings += analyzer.analyze_bytes(data, path).findings
            if taint:  # as apex check does after its workers: link the facts across files
                found, spots = cross_file_findings(facts_dir)
                findings = reconcile([f for f in findings if not overruled(f, spots)] + found)
        run.count = len(findings)
    return run


def compare(name: str, corpus, repeat: int) -> dict:
    lines = sum(data.count(b"\n") for _, data in corpus)
    off_run, on_run = full_run(corpus, False), full_run(corpus, True)
    off = on = float("inf")
    for _ in range(repeat):  # interleaved, so both see the same drift in machine load
        off = min(off, cpu(off_run, 1))
        on = min(on, cpu(on_run, 1))
    taint_findings = on_run.count - off_run.count
    row = {"corpus": name, "files": len(corpus), "kloc": lines / 1000, "off": off, "on": on,
           "added": on / off - 1, "taint_findings": taint_findings}
    print(f"{name}: {len(corpus)} files, {lines / 1000:.1f} kLOC; taint off {off:.2f}s "
          f"({lines / 1000 / off:.0f} kLOC/s), on {on:.2f}s ({lines / 1000 / on:.0f} kLOC/s): "
          f"taint adds {100 * (on / off - 1):.0f} % (target <= 60 %), {on - off:.2f}s of its own "
          f"({lines / 1000 / max(on - off, 1e-9):.0f} kLOC/s); {taint_findings} more findings")
    return row


def cli_wall(name: str, paths: list[str], repeat: int) -> None:
    """The real command, as users run it (worker processes, start-up, output)."""
    def once(*extra):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "apex_cli", "check", "--exit-zero", "--format",
                        "json", "--jobs", "2", *extra, *paths], check=True,
                       capture_output=True, timeout=900)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime), wall
    runs = [(once("--ignore", "APX8"), once()) for _ in range(repeat)]  # interleaved
    off = min(r[0] for r in runs)
    on = min(r[1] for r in runs)
    print(f"{name}, `apex check --jobs 2` (all processes): without taint (--ignore APX8) "
          f"{off[0]:.2f}s CPU ({off[1]:.2f}s wall), with taint {on[0]:.2f}s CPU ({on[1]:.2f}s "
          f"wall): taint adds {100 * (on[0] / off[0] - 1):.0f} % CPU")


def instructions(name: str, files: list[str]) -> None:
    """The same comparison counted in instructions (valgrind's callgrind): immune to
    the load of a shared machine, though blind to cache misses and memory stalls.
    Three child processes read the corpus and warm up; one stops there, one runs
    without taint, one with: the differences are each run's own count."""
    if shutil.which("valgrind") is None:
        print(f"{name}, instructions: valgrind not installed; skipped")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(files))
    counts = {}
    try:
        for mode in ("none", "off", "on"):
            done = subprocess.run(
                ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                 sys.executable, __file__, "--child", mode, listing.name],
                capture_output=True, text=True, timeout=3600)
            found = re.search(r"Collected : (\d+)", done.stderr)
            if done.returncode or not found:
                print(f"{name}, instructions: callgrind failed ({done.stderr[-200:]!r})")
                return
            counts[mode] = int(found.group(1))
    finally:
        os.unlink(listing.name)
    off, on = counts["off"] - counts["none"], counts["on"] - counts["off"]
    print(f"{name}, instructions (callgrind): without taint {off / 1e9:.2f} G, taint's own "
          f"{on / 1e9:.2f} G: taint adds {100 * on / off:.0f} % (target <= 60 %)")


def child(mode: str, listing: str) -> int:
    with open(listing) as handle:
        corpus = read_all(handle.read().split("\n"))
    # Every mode first imports and runs everything once on one file, so that the rules'
    # and the taint engine's imports (compiled from source where bytecode is not
    # written) are in the baseline, not in either run's count.
    full_run(corpus[:1], True)()
    full_run(corpus[:1], False)()
    if mode != "none":
        full_run(corpus, mode == "on")()
    return 0


# -- per edit ---------------------------------------------------------------------
FUNCTION = '''

@app.route("/item{n}/<name>")
def handler_{n}(name):
    value = request.args.get("q{n}", "")
    parts = [p.strip() for p in value.split(",") if p]
    total = 0
    for part in parts:
        if part.isdigit():
            total += int(part)
    label = "item-%d" % total
    if total > {n}:
        label = helper_{n}(label, name)
    else:
        label = label.upper()
    return render_template("item.html", label=label, name=name)


def helper_{n}(label, name):
    text = f"{{label}}:{{name}}"
    with open(os.path.join(BASE, "log.txt"), "a") as out:
        out.write(text)
    return shlex.quote(text)
'''


def big_file(lines: int = 5000) -> str:
    head = ("import os\nimport shlex\nfrom flask import Flask, render_template, request\n\n"
            "app = Flask(__name__)\nBASE = '/srv'\n")
    chunks, n = [head], 0
    while sum(c.count("\n") for c in chunks) < lines:
        chunks.append(FUNCTION.format(n=n))
        n += 1
    return "".join(chunks)


def per_edit(repeat: int) -> dict:
    source = big_file()
    edited = source.replace('label = "item-%d" % total\n    if total > 120',
                            'label = "ITEM-%d" % total\n    if total > 120')
    assert edited != source
    path = os.path.join(tempfile.gettempdir(), "apex_bench_big.py")

    def parse_walk():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, path)
        ast.NodeVisitor().visit(tree)

    workspace = TaintWorkspace()
    workspace.update_source(path, source)
    workspace.findings(cross_file_only=False)
    state = {"flip": False}

    def edit():
        state["flip"] = not state["flip"]
        workspace.update_source(path, edited if state["flip"] else source)
        workspace.findings(paths=[path], cross_file_only=False)

    baseline = cpu(parse_walk, repeat * 3)
    misses = workspace.cache.misses
    one = cpu(edit, repeat * 3)
    reanalysed = (workspace.cache.misses - misses) / (repeat * 3)

    cold = cpu(lambda: TaintWorkspace().update_source(path, source), repeat)
    lines = source.count("\n")
    print(f"per edit: {lines}-line file; parse + walk {1000 * baseline:.1f} ms; edit one "
          f"function and re-analyse {1000 * one:.1f} ms = {one / baseline:.2f}x parse + walk "
          f"(target <= 2x; {reanalysed:.0f} function(s) re-analysed per edit); whole file "
          f"cold {1000 * cold:.1f} ms = {cold / baseline:.2f}x")
    return {"lines": lines, "baseline": baseline, "edit": one, "cold": cold}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", type=int, default=0, help="limit the stdlib corpus")
    parser.add_argument("--no-web", action="store_true", help="skip the downloaded web corpus")
    parser.add_argument("--no-cli", action="store_true",
                        help="skip the end-to-end `apex check` wall-time runs")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions with valgrind (slow: minutes)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "LISTING"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    print(f"Python {sys.version.split()[0]}, best of {args.repeat}, CPU time, one process")
    stdlib = stdlib_files(args.files or None)
    compare("stdlib", read_all(stdlib), args.repeat)
    if args.instructions:
        instructions("stdlib", stdlib)
    if not args.no_cli:
        cli_wall("stdlib", [sysconfig.get_paths()["stdlib"]] if not args.files else stdlib,
                 args.repeat)
    if not args.no_web:
        with tempfile.TemporaryDirectory(prefix="apex-bench-web-") as directory:
            files = web_files(directory)
            if files:
                compare("web apps (FlaskBB + Mezzanine)", read_all(files), args.repeat)
                if args.instructions:
                    instructions("web apps", files)
                if not args.no_cli:
                    apps = sorted({os.path.join(directory, os.path.relpath(f, directory)
                                                .split(os.sep)[0]) for f in files})
                    cli_wall("web apps", apps, args.repeat)
    per_edit(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
