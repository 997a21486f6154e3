"""Process lifecycle and transports: shutdown/exit, parent death, --stdio, TCP, WebSockets."""
from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient as PyglsClient

from conftest import DEADLINE, SERVER, push_capabilities, server_env
from lsp_helpers import diagnostics_for, open_doc

pytestmark = pytest.mark.asyncio


def frame(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def test_shutdown_then_exit_ends_the_process_with_0(client, workspace):
    uri = open_doc(client, workspace / "a.py", "x = eval(expr)\n")
    await diagnostics_for(client, uri, version=1)
    await client.shutdown_async(None)
    client.exit(None)
    assert await asyncio.wait_for(client._server.wait(), DEADLINE) == 0


async def test_exit_without_shutdown_is_code_1(client):
    client.exit(None)
    assert await asyncio.wait_for(client._server.wait(), DEADLINE) == 1


async def test_server_exits_when_its_parent_dies(workspace):
    parent = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                              stdin=subprocess.PIPE)
    server = await asyncio.create_subprocess_exec(
        *SERVER, "--stdio", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        env=server_env())
    try:
        server.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": parent.pid, "rootUri": workspace.as_uri(), "capabilities": {}}}))
        await server.stdin.drain()
        header = await asyncio.wait_for(server.stdout.readline(), DEADLINE)
        assert header.startswith(b"Content-Length")
        parent.stdin.close()
        parent.wait(timeout=DEADLINE)
        # The server polls its parent every couple of seconds; stdin stays open.
        assert await asyncio.wait_for(server.wait(), DEADLINE) == 0
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
        parent.kill()


async def _listener(*flags: str):
    proc = await asyncio.create_subprocess_exec(
        *SERVER, *flags, "--port", "0", stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        env=server_env())
    while True:
        line = (await asyncio.wait_for(proc.stderr.readline(), DEADLINE)).decode()
        assert line, "server exited before listening"
        match = re.search(r"listening on (\w+)://([\d.]+):(\d+)", line)
        if match:
            return proc, match.group(2), int(match.group(3))


async def _session_over(client: PyglsClient, workspace) -> None:
    result = await client.initialize_async(types.InitializeParams(
        capabilities=push_capabilities(), root_uri=workspace.as_uri()))
    assert result.server_info.name == "apex"
    assert result.capabilities.hover_provider
    await client.shutdown_async(None)
    client.exit(None)


async def test_tcp_transport_on_loopback(workspace):
    proc, host, port = await _listener("--tcp")
    try:
        assert host == "127.0.0.1"
        client = PyglsClient("tcp-test", "1")
        await client.start_tcp(host, port)
        await _session_over(client, workspace)
        assert await asyncio.wait_for(proc.wait(), DEADLINE) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_websocket_transport(workspace):
    pytest.importorskip("websockets", reason="--ws needs the websockets package")
    proc, host, port = await _listener("--ws")
    try:
        client = PyglsClient("ws-test", "1")
        await client.start_ws(host, port)
        await _session_over(client, workspace)
        assert await asyncio.wait_for(proc.wait(), DEADLINE) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_refuses_non_loopback_listener():
    proc = await asyncio.create_subprocess_exec(
        *SERVER, "--tcp", "--host", "0.0.0.0", stderr=subprocess.PIPE, env=server_env())
    _, err = await asyncio.wait_for(proc.communicate(), DEADLINE)
    assert proc.returncode == 2 and b"non-loopback" in err


async def test_stdio_flag_is_accepted():
    # vscode-languageclient appends --stdio; the conftest server command is plain.
    proc = await asyncio.create_subprocess_exec(
        *SERVER, "--stdio", stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=server_env())
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                            "params": {"processId": os.getpid(), "capabilities": {}}}))
    await proc.stdin.drain()
    assert (await asyncio.wait_for(proc.stdout.readline(), DEADLINE)).startswith(b"Content")
    proc.stdin.close()  # EOF: the server must exit on its own
    assert await asyncio.wait_for(proc.wait(), DEADLINE) == 0
