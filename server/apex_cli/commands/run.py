"""`apex run`: run a program under the mode policy (harness + guard, or the OS sandbox)."""
from __future__ import annotations

import argparse
import sys

from apex_policy.capabilities import MODES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run", help="run a Python program under the mode policy",
        description="Run a Python program with the Apex harness and runtime guard inside. "
                    "In isolation mode the program runs inside an OS sandbox (bubblewrap "
                    "namespaces, rlimits, cgroups, a watchdog). The runtime guard is a "
                    "tripwire; the sandbox is the boundary.",
        usage="apex run [options] script.py [args ...] | apex run [options] -m module [args ...]")
    p.add_argument("--mode", choices=MODES, help="override the policy's mode")
    p.add_argument("--report-json", metavar="FILE",
                   help="write the run report (isolation level, peaks, violations, exit status)")
    p.add_argument("--allow-partial-isolation", action="store_true",
                   help="in isolation mode, run even when some OS layers are unavailable")
    p.add_argument("--python", metavar="PATH", help="interpreter for the program "
                   "(default: the one running apex)")
    p.add_argument("--reload", action="store_true",
                   help="hot reload: patch changed workspace modules into the running program "
                        "(development convenience; gated by the policy's hot_reload)")
    p.add_argument("-m", dest="module", metavar="MODULE", help="run a module like python -m")
    p.add_argument("program", nargs=argparse.REMAINDER, metavar="script.py [args]")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from apex_host.runner import RunRequest, execute, write_report

    program = list(args.program)
    if program[:1] == ["--"]:  # `apex run -- script.py`: the separator is not the script
        program = program[1:]
    if not args.module and not program:
        print("apex run: give a script or -m module", file=sys.stderr)
        return 2
    report = execute(RunRequest(argv=program, module=args.module, mode=args.mode,
                                python=args.python, allow_partial=args.allow_partial_isolation,
                                reload=args.reload))
    if args.report_json:
        try:
            write_report(report, args.report_json)
        except OSError as exc:
            print(f"apex run: cannot write the report: {exc}", file=sys.stderr)
    return report.exit_status if report.exit_status is not None else 1
