"""``python -m apex_dap``: the same as ``apex dap`` (without loading the other subcommands)."""
import argparse
import sys

from apex_cli.commands import dap


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="apex-dap")
    dap.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["dap", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
