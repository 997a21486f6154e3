"""Running the server over stdio, TCP or WebSockets.

TCP and WebSocket listeners bind to loopback unless told otherwise, and print
the address they listen on (useful with ``--port 0``) to stderr.
"""
from __future__ import annotations

import asyncio
import logging
import sys
import threading

from pygls.io_ import run_async

log = logging.getLogger(__name__)


def announce(kind: str, sockets) -> None:
    for sock in sockets:
        host, port = sock.getsockname()[:2]
        print(f"apex lsp: listening on {kind}://{host}:{port}", file=sys.stderr, flush=True)


def serve_tcp(server, host: str, port: int) -> None:
    """One client connection; the process ends when it disconnects or exits."""
    server._stop_event = stop_event = threading.Event()

    async def connection(reader, writer):
        server.protocol.set_writer(writer)
        try:
            await run_async(stop_event=stop_event, reader=reader, protocol=server.protocol,
                            logger=log, error_handler=server.report_server_error)
        finally:
            listener.close()

    async def main():
        nonlocal listener
        listener = await asyncio.start_server(connection, host, port)
        announce("tcp", listener.sockets)
        async with listener:
            try:
                await listener.serve_forever()
            except asyncio.CancelledError:
                pass

    listener = None
    try:
        asyncio.run(main())
    finally:
        server.shutdown()


def serve_ws(server, host: str, port: int) -> int:
    try:
        from websockets.asyncio.server import serve
    except ImportError:
        print("apex lsp: --ws needs the 'websockets' package "
              "(pip install 'apex-ide[ws]')", file=sys.stderr)
        return 2
    from pygls.io_ import run_websocket

    server._stop_event = stop_event = threading.Event()

    async def connection(websocket):
        try:
            await run_websocket(stop_event=stop_event, websocket=websocket,
                                protocol=server.protocol, logger=log,
                                error_handler=server.report_server_error)
        finally:
            listener.close()

    async def main():
        nonlocal listener
        listener = await serve(connection, host, port)
        announce("ws", listener.sockets)
        try:
            await listener.serve_forever()
        except asyncio.CancelledError:
            pass

    listener = None
    try:
        asyncio.run(main())
    finally:
        server.shutdown()
    return 0
