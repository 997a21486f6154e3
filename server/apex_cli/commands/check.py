"""`apex check`: run the analyzer over files and directories."""
from __future__ import annotations

import argparse
import json
import os
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="analyse Python files for security problems",
                       description="Analyse Python files for security problems.")
    p.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    p.set_defaults(func=run)


def _iter_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                for name in sorted(files):
                    if name.endswith(".py"):
                        yield os.path.join(root, name)
        else:
            yield path


def run(args: argparse.Namespace) -> int:
    from apex_lsp.analysis import Analyzer

    analyzer = Analyzer([r for r in __import__("apex_lsp.analysis", fromlist=["x"]).all_rules()
                         if r.enabled_by_default])
    findings, errors = [], []
    for path in _iter_files(args.paths):
        result = analyzer.analyze_file(path)
        findings.extend(result.findings)
        if result.error:
            errors.append(result.error)
    if args.format == "json":
        json.dump({"version": 1, "findings": [f.as_json() for f in findings],
                   "errors": [e.as_json() for e in errors]}, sys.stdout, indent=2)
        print()
    else:
        for f in findings:
            print(f"{f.path}:{f.line}:{f.column}: {f.rule} [{f.severity}] {f.message}")
        for e in errors:
            print(f"{e.path}: error: {e.message}", file=sys.stderr)
        print(f"Found {len(findings)} finding(s) in the checked files.")
    return 1 if findings and not args.exit_zero else 0
