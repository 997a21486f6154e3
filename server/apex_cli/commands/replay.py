"""`apex replay FILE`: summarise a saved time-travel recording (never runs anything from it).

To step through the recording, start a debug session with ``"replay": "FILE"``.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help="summarise a saved time-travel recording",
                       description="Print what a recording saved with apexSaveRecording holds: "
                                   "program, interpreter, steps, threads, functions, "
                                   "exceptions. Open it in a debug session with "
                                   '"replay": "FILE" to step through it.')
    p.add_argument("file", help="the recording file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--top", type=int, default=10, help="functions to list (default 10)")
    p.set_defaults(func=run)


def summarise(path: str, top: int = 10) -> dict:
    from apex_dap import recording_file
    from apex_harness.recorder import events as ev

    recording, plain = recording_file.load(path)
    history = recording_file.to_history(recording, plain)
    calls: Counter = Counter()
    lines = raises = 0
    for event in history.events:
        kind = event & 15
        if kind == ev.LINE:
            lines += 1
        elif kind == ev.CALL:
            calls[history.codes[(event >> 12) & 0xFFFFF][3]] += 1
        elif kind == ev.RAISE:
            raises += 1
    files = sorted({row[0] for row in history.codes})
    return {
        "file": path, "formatVersion": recording_file.FORMAT_VERSION,
        "program": recording.program, "python": recording.python,
        "created": recording.created, "firstStep": history.first,
        "lastStep": history.end - 1, "steps": len(history), "lines": lines,
        "exceptions": raises, "values": len(history.values),
        "olderHistoryDropped": recording.dropped,
        "threads": [{"slot": slot, "name": name,
                     "lines": len(history.line_steps.get(slot, ()))}
                    for slot, (_, name) in sorted(history.threads.items())],
        "files": files,
        "topCalls": [{"function": name, "calls": n} for name, n in calls.most_common(top)],
        "marks": len(recording.marks),
    }


def run(args: argparse.Namespace) -> int:
    from apex_dap.recording_file import RecordingError

    try:
        summary = summarise(args.file, args.top)
    except RecordingError as exc:
        print(f"apex replay: {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        print()
        return 0
    print(f"recording  {summary['file']} (format {summary['formatVersion']})")
    print(f"program    {summary['program'] or '?'}  (Python {summary['python'] or '?'})")
    print(f"steps      {summary['firstStep']}..{summary['lastStep']}  ({summary['steps']} "
          f"events, {summary['lines']} lines, {summary['exceptions']} exceptions raised)")
    if summary["olderHistoryDropped"]:
        print("           older history was dropped (memory budget)")
    print("threads    " + ", ".join(f"{t['name']} ({t['lines']} lines)"
                                    for t in summary["threads"]))
    print("files      " + "\n           ".join(summary["files"]))
    if summary["topCalls"]:
        print("calls      " + "\n           ".join(f"{c['calls']:>7}  {c['function']}"
                                                  for c in summary["topCalls"]))
    return 0
