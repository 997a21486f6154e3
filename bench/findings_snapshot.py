"""Dump `apex check`'s findings on a corpus to a file, or compare two dumps.

    .venv/bin/python bench/findings_snapshot.py dump OUT [--corpus DIR] [-- CHECK-ARGS...]
    .venv/bin/python bench/findings_snapshot.py diff BEFORE AFTER

A guard for performance work: an optimisation must leave the set of findings on the
corpus (default: this interpreter's stdlib, as bench_check.py picks it) unchanged.
Check both the default rules and ``-- --select ALL --mode isolation`` (every rule, and
the capability rules reporting).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_check import corpus_files


def dump(out: str, corpus: str, extra: list[str]) -> int:
    command = [sys.executable, "-m", "apex_cli", "check", "--format", "json", "--exit-zero",
               "--jobs", "1", "-o", out] + extra
    proc = subprocess.run(command + corpus_files(corpus), check=False)
    if proc.returncode != 0:
        sys.exit(f"apex check failed with exit status {proc.returncode}")
    with open(out, encoding="utf-8") as handle:
        report = json.load(handle)
    report["findings"].sort(key=lambda f: json.dumps(f, sort_keys=True))
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=0, sort_keys=True)
    print(f"{len(report['findings'])} findings, {len(report['errors'])} errors -> {out}")
    return 0


def diff(before: str, after: str) -> int:
    def load(path):
        with open(path, encoding="utf-8") as handle:
            report = json.load(handle)
        return ({json.dumps(f, sort_keys=True) for f in report["findings"]},
                {json.dumps(e, sort_keys=True) for e in report["errors"]})
    (old, old_err), (new, new_err) = load(before), load(after)
    for label, items in (("lost", old - new), ("new", new - old),
                         ("lost error", old_err - new_err), ("new error", new_err - old_err)):
        for item in sorted(items)[:50]:
            print(f"{label}: {item}")
    same = old == new and old_err == new_err
    print("identical" if same else
          f"DIFFERENT: {len(old - new)} lost, {len(new - old)} new findings")
    return 0 if same else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out")
    d.add_argument("--corpus", default=sysconfig.get_paths()["stdlib"])
    c = sub.add_parser("diff")
    c.add_argument("before")
    c.add_argument("after")
    argv = sys.argv[1:]
    # Everything after "--" goes to `apex check` (e.g. -- --select ALL --mode isolation).
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    if args.command == "dump":
        return dump(args.out, args.corpus, extra)
    return diff(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
