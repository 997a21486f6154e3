"""Running the server over stdio, TCP or WebSockets.

TCP and WebSocket listeners bind to loopback unless told otherwise, and print
the address they listen on (useful with ``--port 0``) to stderr.
"""
from __future__ import annotations

import asyncio
import logging
import os
import stat
import sys
import threading

from pygls.io_ import StdoutWriter, run_async

log = logging.getLogger(__name__)


def announce(kind: str, sockets) -> None:
    for sock in sockets:
        host, port = sock.getsockname()[:2]
        print(f"apex lsp: listening on {kind}://{host}:{port}", file=sys.stderr, flush=True)


class PipeReader:
    """stdin read by the event loop's selector. pygls's stdio reader runs every
    ``readline`` and the body ``read`` in a thread pool: three thread hops per
    message, each a wake-up that waits for a core when the machine is busy."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self._stream = stream

    async def readline(self) -> bytes:
        return await self._stream.readline()

    async def readexactly(self, n: int) -> bytes:
        try:
            return await self._stream.readexactly(n)
        except asyncio.IncompleteReadError as exc:  # end of input: run_async stops on b""
            return exc.partial


def _separate_pipe(stdin, stdout) -> bool:
    """Only a pipe stdin that is not also stdout can be made non-blocking safely."""
    try:
        fd_in, fd_out = stdin.fileno(), stdout.fileno()
        st_in, st_out = os.fstat(fd_in), os.fstat(fd_out)
    except (AttributeError, OSError, ValueError):
        return False
    same = (st_in.st_dev, st_in.st_ino) == (st_out.st_dev, st_out.st_ino)
    return stat.S_ISFIFO(st_in.st_mode) and not same


def serve_stdio(server, stdin=None, stdout=None) -> bool:
    """Serve over stdio with stdin read on the event loop. False (nothing done) when
    stdin is not a separate pipe: the caller falls back to pygls's reader."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    if not _separate_pipe(stdin, stdout):
        return False
    server._stop_event = stop_event = threading.Event()
    server.protocol.set_writer(StdoutWriter(stdout))

    async def main():
        stream = asyncio.StreamReader(limit=1 << 20)
        await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(stream), stdin)
        await run_async(stop_event=stop_event, reader=PipeReader(stream),
                        protocol=server.protocol, logger=log,
                        error_handler=server.report_server_error)

    try:
        asyncio.run(main())
    except BrokenPipeError:
        log.error("the connection to the client is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()
    return True


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
