"""`apex policy show|check`: the effective mode policy and policy-file validation."""
from __future__ import annotations

import argparse
import json
import os
import sys

from apex_policy.capabilities import MODES

EXIT_CONFIG = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("policy", help="show or validate the mode policy",
                       description="Show the effective mode policy or validate a policy file.")
    actions = p.add_subparsers(dest="policy_command", metavar="ACTION")
    actions.required = True
    show = actions.add_parser(
        "show", help="print the effective policy and where each value came from",
        description="Print the effective policy for PATH (default: the current directory) "
                    "and where each value came from: default, mode default, the policy "
                    "file (with its line), the editor or the command line.")
    show.add_argument("path", nargs="?", default=".", metavar="PATH")
    show.add_argument("--mode", choices=MODES,
                      help="override the mode (as `apex check --mode` would)")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=run_show)
    check = actions.add_parser(
        "check", help="validate a policy file",
        description="Validate FILE (default: the policy file nearest to the current "
                    "directory). Errors are printed as file:line:col: key: message; the exit "
                    "status is 2 when there is any.")
    check.add_argument("file", nargs="?", metavar="FILE")
    check.set_defaults(func=run_check)
    decide = actions.add_parser(
        "decide", help="what the runtime guard would do with one capability use",
        description="Print allow, audit or deny for CAPABILITY on TARGET (a host:port, an "
                    "executable, a path, a variable name) as the runtime guard decides it. "
                    "With --path FILE, for a use made from code in FILE: the last "
                    "[[tool.apex.overrides]] entry whose paths match FILE (globs relative "
                    "to the project root, symlinks resolved, as the guard matches the "
                    "calling file) decides, and the answer names its line. "
                    "Exit status 0 unless the answer is deny (1); 2 for a bad capability "
                    "or a missing PATH.")
    decide.add_argument("capability", metavar="CAPABILITY")
    decide.add_argument("target", nargs="?", metavar="TARGET")
    decide.add_argument("--path", default=".", metavar="PATH",
                        help="the source file making the call (its override decides); the "
                             "policy is looked up from it. A directory only says where to "
                             "look for the policy (default: the current directory)")
    decide.add_argument("--mode", choices=MODES)
    decide.set_defaults(func=run_decide)
    gate = actions.add_parser(
        "gate", help="whether a debug operation is allowed",
        description="Print whether OPERATION (attach, time_travel, evaluate, state_edit, "
                    "hot_reload, restart_frame) is allowed, and why. Exit status 0 when "
                    "allowed, 1 when not.")
    gate.add_argument("operation", metavar="OPERATION")
    gate.add_argument("--path", default=".", help="the file the operation touches")
    gate.add_argument("--module", help="the module the operation touches")
    gate.add_argument("--mode", choices=MODES)
    gate.set_defaults(func=run_gate)
    schema = actions.add_parser(
        "schema", help="print the JSON Schema of [tool.apex]",
        description="Print the JSON Schema of the [tool.apex] table (also what editor "
                    "settings accept), generated from the policy model. With --flat, one "
                    "entry per key with its description, scope and defaults.")
    form = schema.add_mutually_exclusive_group()
    form.add_argument("--flat", action="store_true", help="one entry per key")
    form.add_argument("--vscode", action="store_true",
                      help="contributes.configuration.properties for a VS Code extension")
    schema.set_defaults(func=run_schema)


def _shown(path: str | None, given: str | None = None) -> str:
    if not path:
        return "<none>"
    if given and os.path.abspath(given) == os.path.abspath(path):
        return given
    rel = os.path.relpath(path)
    return rel if not rel.startswith(os.pardir) else path


def _print_errors(loaded, given: str | None = None) -> None:
    from dataclasses import replace
    for error in loaded.errors:
        if os.path.isabs(error.path):
            error = replace(error, path=_shown(error.path, given))
        print(str(error), file=sys.stderr)


def run_show(args: argparse.Namespace) -> int:
    from apex_policy.describe import flatten, toml_value
    from apex_policy.keys import KEYS
    from apex_policy.loader import load_settings
    from apex_policy.units import format_duration, format_size

    if not os.path.exists(args.path):
        print(f"apex policy show: {args.path}: no such file or directory", file=sys.stderr)
        return EXIT_CONFIG
    loaded = load_settings(args.path, mode=args.mode)
    values = flatten(loaded.settings)
    origins = {k: str(v) for k, v in loaded.origins.items()}
    if args.json:
        json.dump({"mode": loaded.settings.mode, "root": loaded.root, "source": loaded.source,
                   "path": loaded.path, "settings": values, "origins": origins,
                   "errors": [{"path": e.path, "line": e.line, "column": e.column,
                               "key": e.key, "message": e.message} for e in loaded.errors],
                   "runtime": loaded.settings.policy.to_runtime()},
                  sys.stdout, indent=2)
        print()
        return 0
    _print_errors(loaded)
    print(f"# policy for {args.path}")
    print(f"# source: {loaded.source}" + (f" ({_shown(loaded.path)})" if loaded.path else ""))
    print(f"# root:   {loaded.root}")
    width = 44
    section = None
    for key, value in values.items():
        if key == "permissions":
            continue
        head, _, leaf = key.rpartition(".")
        if head != section:
            section = head
            print(f"\n[{head}]" if head else "")
        kind = KEYS[key].kind if key in KEYS else ""
        if kind == "size" and value is not None:
            value = format_size(value)
        elif kind == "duration" and value is not None:
            value = format_duration(value)
        text = f"{leaf} = {toml_value(value)}"
        pad = " " * max(1, width - len(text))
        print(f"{text}{pad}# {origins.get(key, 'default')}")
    for permission in values["permissions"]:
        print("\n[[permissions]]" + f"{' ' * (width - 15)}# {permission['source']}")
        for field in ("operations", "paths", "modules", "expires", "reason"):
            if permission[field]:
                print(f"{field} = {toml_value(permission[field])}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from apex_policy.loader import find_policy_file, load_policy_file

    path = args.file
    if path is None:
        path = find_policy_file(os.getcwd())
        if path is None:
            print("apex policy check: no apex.toml or pyproject.toml with [tool.apex] here or "
                  "in any parent directory", file=sys.stderr)
            return 0
    elif not os.path.isfile(path):
        print(f"apex policy check: {path}: no such file", file=sys.stderr)
        return EXIT_CONFIG
    loaded = load_policy_file(path)
    if loaded.errors:
        _print_errors(loaded, args.file)
        count = len(loaded.errors)
        print(f"{_shown(path, args.file)}: {count} error{'s' if count != 1 else ''}",
              file=sys.stderr)
        return EXIT_CONFIG
    print(f"{_shown(path, args.file)}: ok ({loaded.settings.mode} mode)")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    from apex_policy.schema import flat_settings, settings_schema, vscode_configuration

    data = flat_settings() if args.flat else vscode_configuration() if args.vscode \
        else settings_schema()
    json.dump(data, sys.stdout, indent=2)
    print()
    return 0


def run_decide(args: argparse.Namespace) -> int:
    from apex_policy.capabilities import CAPABILITIES
    from apex_policy.loader import load_settings

    if args.capability not in CAPABILITIES:
        print(f"apex policy decide: unknown capability {args.capability!r}; expected one of "
              f"{', '.join(CAPABILITIES)}", file=sys.stderr)
        return EXIT_CONFIG
    if not os.path.exists(args.path):
        print(f"apex policy decide: {args.path}: no such file or directory", file=sys.stderr)
        return EXIT_CONFIG
    loaded = load_settings(args.path, mode=args.mode)
    _print_errors(loaded)
    policy = loaded.settings.policy
    target = args.target
    if target and args.capability in ("filesystem_write", "filesystem_read"):
        target = os.path.abspath(target)
    # The calling file, as the guard passes it: an absolute path (a directory is no caller).
    caller = os.path.abspath(args.path) if os.path.isfile(args.path) else None
    action = policy.decide(args.capability, target, path=caller)
    source = policy.runtime().rule_source(args.capability, caller)
    shown = f" on {args.target}" if args.target else ""
    called = f" from {args.path}" if caller else ""
    print(f"{action}: {args.capability}{shown}{called} in {policy.mode} mode — "
          f"policy: {source}")
    return 1 if action == "deny" else 0


def run_gate(args: argparse.Namespace) -> int:
    from apex_policy.loader import load_settings

    loaded = load_settings(args.path, mode=args.mode)
    _print_errors(loaded)
    path = os.path.abspath(args.path) if os.path.isfile(args.path) else None
    decision = loaded.settings.policy.gate(args.operation, path=path, module=args.module)
    print(("allowed: " if decision.allowed else "denied: ") + decision.reason)
    if decision.permission_hint:
        print(decision.permission_hint)
    return 0 if decision.allowed else 1
