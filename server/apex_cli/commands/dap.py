"""`apex dap`: the debug adapter for the `apex` debug type (stdio, or TCP with a token)."""
from __future__ import annotations

import argparse
import os
import secrets
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dap", help="run the debug adapter (DAP over stdio or TCP)",
                       description="Run the Apex debug adapter. By default it speaks DAP over "
                                   "stdin/stdout. With --port it listens on 127.0.0.1 for one "
                                   "editor, which must send the access token and a newline "
                                   "before the first DAP message.")
    p.add_argument("--port", type=int, default=None,
                   help="listen on 127.0.0.1:PORT instead of stdio (0: any free port)")
    p.add_argument("--token", default=None,
                   help="access token for --port (default: $APEX_DAP_TOKEN, else a random "
                        "one printed on stderr)")
    p.add_argument("--log-file", default=None, help="write the adapter's log here")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from apex_dap import main as dap_main

    dap_main.configure_logging(args.log_file)
    if args.port is None:
        asyncio.run(dap_main.serve_stdio())
        return 0
    token = args.token or os.environ.get("APEX_DAP_TOKEN") or secrets.token_hex(16)

    def announce(port: int) -> None:
        print(f"apex dap listening on 127.0.0.1:{port} token {token}", file=sys.stderr, flush=True)

    asyncio.run(dap_main.serve_tcp(args.port, token, announce))
    return 0
