"""`apex` command dispatch.

Each subcommand lives in ``apex_cli.commands.<name>`` and exposes
``register(subparsers)``; modules are imported only to build the parser, and
each one imports its heavy dependencies inside its ``run`` function so that
``apex check`` never pays for pygls or debugpy.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from apex_lsp import __version__

#: Subcommand modules, in the order `apex --help` lists them.
COMMANDS = ("check", "lsp", "dap", "policy", "audit", "run", "ps", "replay")

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="apex", description="Security-aware Python language server, "
                                 "time-travel debugger and mode policy.")
    parser.add_argument("--version", action="version", version=f"apex {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"apex_cli.commands.{name}").register(sub)
    return parser


def _command_parser(parser: argparse.ArgumentParser,
                    args: argparse.Namespace) -> argparse.ArgumentParser:
    """The innermost (sub)parser of the command given, so that an error shows its usage
    (argparse reports a subcommand's unknown option with the top-level usage)."""
    while True:
        sub = next((a for a in parser._actions
                    if isinstance(a, argparse._SubParsersAction)), None)
        chosen = sub.choices.get(getattr(args, sub.dest, None) or "") if sub else None
        if chosen is None:
            return parser
        parser = chosen


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        _command_parser(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `apex check | head` closed the pipe: not an error worth a traceback.
        sys.stderr.close()
        return 0
