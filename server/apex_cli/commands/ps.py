"""`apex ps`: list Python processes (for picking an attach target)."""
from __future__ import annotations

import argparse
import json
import shlex
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ps", help="list Python processes and whether a harness is inside",
                       description="List running Python processes: pid, interpreter version, "
                                   "command line, and whether an Apex harness is inside.")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from apex_host.processes import list_python_processes

    processes = list_python_processes()
    if args.json:
        json.dump({"version": 1, "processes": processes}, sys.stdout, indent=2)
        print()
        return 0
    print(f"{'PID':>7}  {'PYTHON':<8} {'HARNESS':<7}  COMMAND")
    for p in processes:
        command = shlex.join(p["cmdline"]) if p["cmdline"] else p["executable"] or "?"
        print(f"{p['pid']:>7}  {p['python'] or '?':<8} {'yes' if p['harness'] else '-':<7}  "
              f"{command[:200]}")
    return 0
