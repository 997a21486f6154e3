"""`apex audit verify|show`: check and read the hash-chained, anchored audit log."""
from __future__ import annotations

import argparse
import json
import sys

EXIT_BROKEN = 1
EXIT_USAGE = 2
EXIT_UNANCHORED = 3


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="verify or read an audit log",
                       description="Verify or read an Apex audit log (.apex/audit.jsonl).")
    actions = p.add_subparsers(dest="audit_command", metavar="ACTION")
    actions.required = True
    verify = actions.add_parser(
        "verify", help="check the log's hash chain, MACs and anchor",
        description="Check every record's hash, its link to the previous one and its MAC "
                    "(your key in $XDG_STATE_HOME/apex), and that the log still ends where "
                    "its anchor says. Exit status 0: intact and anchored; 1: tampering is "
                    "evident (the first broken record, a cut end or a replaced log is "
                    "named); 2: unreadable; 3: the chain is intact but the log is "
                    "unanchored (a format-1 log, another user's key, no anchor), so a cut "
                    "end or a replaced log could not be checked.")
    verify.add_argument("log", metavar="LOG")
    verify.set_defaults(func=run_verify)
    show = actions.add_parser("show", help="print the records",
                              description="Print the log's records, one line each.")
    show.add_argument("log", metavar="LOG")
    show.add_argument("--json", action="store_true", help="print the raw JSON lines")
    show.set_defaults(func=run_show)


def run_verify(args: argparse.Namespace) -> int:
    from apex_policy.audit import BROKEN, INTACT, UNREADABLE, verify

    result = verify(args.log)
    records = f"{result.records} record{'s' if result.records != 1 else ''}"
    if result.status == UNREADABLE:
        print(f"apex audit verify: {result.reason}", file=sys.stderr)
        return EXIT_USAGE
    if result.status == BROKEN:
        where = f"{args.log}:{result.line}" if result.line else args.log
        print(f"{where}: broken: {result.reason}", file=sys.stderr)
        for note in result.notes:
            print(f"{args.log}: note: {note}", file=sys.stderr)
        if result.line:
            print(f"{args.log}: {records} verified before line {result.line}", file=sys.stderr)
        return EXIT_BROKEN
    if result.status == INTACT:
        print(f"{args.log}: intact, {records}, anchored")
    else:
        print(f"{args.log}: intact chain, {records}, UNANCHORED: {result.reason}")
    for note in result.notes:
        print(f"{args.log}: note: {note}")
    return 0 if result.status == INTACT else EXIT_UNANCHORED


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
            anchored = f", key {record['key_id']}" if record.get("key_id") else ", unanchored"
            print(f"{number}: log created {record.get('created')} "
                  f"(format {record.get('apex_audit')}{anchored})")
            continue
        target = f" {record.get('target')}" if record.get("target") is not None else ""
        print(f"{number}: {record.get('ts')} {record.get('actor')} [{record.get('mode')}] "
              f"{record.get('operation')}{target} -> {record.get('outcome')}")
    return 0
