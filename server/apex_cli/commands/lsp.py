"""`apex lsp`: the language server over stdio (default), TCP or WebSockets."""
from __future__ import annotations

import argparse
import ipaddress
import logging
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lsp", help="run the language server",
                       description="Run the Apex language server. Editors start it over "
                                   "stdio; --tcp and --ws listen on a loopback port.")
    transport = p.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true",
                           help="talk over stdin/stdout (the default)")
    transport.add_argument("--tcp", action="store_true", help="listen for one TCP client")
    transport.add_argument("--ws", action="store_true", help="listen for one WebSocket client")
    p.add_argument("--host", default="127.0.0.1",
                   help="address for --tcp/--ws (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=2087,
                   help="port for --tcp/--ws (default 2087; 0 picks a free port)")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow --host to be a non-loopback address")
    p.add_argument("--log-file", help="write the server's log here")
    p.add_argument("--log-level", default="WARNING",
                   choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    p.set_defaults(func=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    if (args.tcp or args.ws) and not _is_loopback(args.host) and not args.allow_remote:
        print(f"apex lsp: refusing to listen on non-loopback address {args.host!r}; the "
              f"server reads your files and has no authentication (use --allow-remote to "
              f"override)", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"apex lsp: --port must be 0-65535, got {args.port}", file=sys.stderr)
        return 2
    logging.basicConfig(filename=args.log_file, level=getattr(logging, args.log_level),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from apex_lsp.server import create_server
    from apex_lsp.server import transports

    server = create_server()
    try:
        if args.tcp:
            transports.serve_tcp(server, args.host, args.port)
        elif args.ws:
            return transports.serve_ws(server, args.host, args.port)
        else:
            server.start_io()
    finally:
        server.stop_workers()
    # The client is gone (EOF or disconnect). Do not wait for a worker that is
    # still analysing a huge file: interpreter exit would join its thread.
    from apex_lsp.server.lifecycle import exit_now
    exit_now(0)
    return 0
