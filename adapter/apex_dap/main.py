"""Run the adapter: one session over stdio, or over one TCP connection (token first)."""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
from typing import Any

from .history.session import TimeTravelSession as Session
from .protocol.server import DapServer
from .protocol.wire import LineReader, PrefixedReader

log = logging.getLogger("apex_dap")


async def _stdio_streams() -> tuple[asyncio.StreamReader, Any]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=64 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    # Duplicate stdout for DAP and point fd 1 at stderr, so a stray print cannot corrupt
    # the protocol stream.
    out_fd = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, os.fdopen(out_fd, "wb", buffering=0))
    writer = asyncio.StreamWriter(transport, protocol, reader, loop)
    return reader, writer


async def run_session(reader: LineReader, writer: Any,
                      required_token: str | None = None) -> None:
    session = Session(required_token)
    server = DapServer(reader, writer, session)
    session.bind(server)
    serve = asyncio.ensure_future(server.serve())
    finished = asyncio.ensure_future(session.finished.wait())
    await asyncio.wait([serve, finished], return_when=asyncio.FIRST_COMPLETED)
    if serve.done():
        await session.client_gone()
    else:
        # The session ended (program exited or disconnect answered): let in-flight
        # responses go out, then stop reading.
        await server.wait_idle(2)
        await server.drain()
        serve.cancel()
    finished.cancel()
    if session.target is not None and session.kind == "launch" and session.target.alive() \
            and getattr(session.args, "terminate_debuggee", True):
        session.target.kill_group()


async def serve_stdio() -> None:
    reader, writer = await _stdio_streams()
    await run_session(reader, writer)
    try:
        writer.close()
    except Exception:
        pass


async def serve_tcp(port: int, token: str, announce) -> None:
    """Accept one editor on 127.0.0.1:port.

    The editor proves it knows ``token`` either by sending it and a newline before the
    first DAP message, or (editors that cannot) as the ``token`` launch/attach attribute.
    """
    done = asyncio.get_running_loop().create_future()

    async def on_connection(stream: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if done.done():
            writer.close()
            return
        required: str | None = token
        reader: LineReader = stream
        try:
            first = await asyncio.wait_for(stream.readuntil(b"\n"), 30)
        except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError):
            writer.close()
            return
        if first.lower().startswith(b"content-length"):
            # A DAP message: the framing reads this header line first.
            reader = PrefixedReader(first, reader)
        elif secrets.compare_digest(first.strip().decode("utf-8", "replace"), token):
            required = None
        else:
            log.warning("rejected a DAP connection with a wrong token")
            writer.close()
            return
        server.close()  # one editor per adapter process
        try:
            await run_session(reader, writer, required)
        finally:
            writer.close()
            if not done.done():
                done.set_result(None)

    server = await asyncio.start_server(on_connection, "127.0.0.1", port,
                                        limit=64 * 1024 * 1024)
    announce(server.sockets[0].getsockname()[1])
    await done


def configure_logging(log_file: str | None) -> None:
    handler: logging.Handler = (logging.FileHandler(log_file) if log_file
                                else logging.StreamHandler(sys.stderr))
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger("apex_dap")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if os.environ.get("APEX_DAP_DEBUG") else logging.WARNING)
