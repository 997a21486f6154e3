"""`apex audit verify|show`: check and read the hash-chained audit log."""
from __future__ import annotations

import argparse
import json
import sys

EXIT_BROKEN = 1
EXIT_USAGE = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="verify or read an audit log",
                       description="Verify or read an Apex audit log (.apex/audit.jsonl).")
    actions = p.add_subparsers(dest="audit_command", metavar="ACTION")
    actions.required = True
    verify = actions.add_parser(
        "verify", help="check the log's hash chain",
        description="Check every record's hash and its link to the previous one. Exit "
                    "status 0: intact; 1: the first broken record is named; 2: unreadable.")
    verify.add_argument("log", metavar="LOG")
    verify.set_defaults(func=run_verify)
    show = actions.add_parser("show", help="print the records",
                              description="Print the log's records, one line each.")
    show.add_argument("log", metavar="LOG")
    show.add_argument("--json", action="store_true", help="print the raw JSON lines")
    show.set_defaults(func=run_show)


def run_verify(args: argparse.Namespace) -> int:
    import os

    from apex_policy.audit import verify

    if not os.path.isfile(args.log):
        print(f"apex audit verify: {args.log}: no such file", file=sys.stderr)
        return EXIT_USAGE
    result = verify(args.log)
    if result.ok:
        print(f"{args.log}: intact, {result.records} record{'s' if result.records != 1 else ''}")
        return 0
    print(f"{args.log}:{result.line}: broken: {result.reason}", file=sys.stderr)
    print(f"{args.log}: {result.records} record(s) verified before line {result.line}",
          file=sys.stderr)
    return EXIT_BROKEN


def run_show(args: argparse.Namespace) -> int:
    try:
        with open(args.log, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError as exc:
        print(f"apex audit show: {args.log}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    for number, line in enumerate(lines, 1):
        if args.json:
            print(line)
            continue
        try:
            record = json.loads(line)
        except ValueError:
            print(f"{number}: <unreadable line>")
            continue
        if "apex_audit" in record:
            print(f"{number}: log created {record.get('created')}")
            continue
        target = f" {record.get('target')}" if record.get("target") is not None else ""
        print(f"{number}: {record.get('ts')} {record.get('actor')} [{record.get('mode')}] "
              f"{record.get('operation')}{target} -> {record.get('outcome')}")
    return 0
