"""stdio when stdin is not a pipe (a file): the server falls back to pygls's reader."""
from __future__ import annotations

import json
import subprocess

from conftest import SERVER, server_env


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_stdin_from_a_file_still_serves(tmp_path):
    requests = tmp_path / "requests.bin"
    requests.write_bytes(b"".join(_frame(m) for m in (
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
        {"jsonrpc": "2.0", "method": "exit", "params": None})))
    with requests.open("rb") as stdin:
        proc = subprocess.run(SERVER, stdin=stdin, capture_output=True, env=server_env(),
                              cwd=tmp_path, timeout=60)
    replies = [json.loads(part.split(b"\r\n\r\n", 1)[1]) for part in
               proc.stdout.split(b"Content-Length: ")[1:]]
    by_id = {r.get("id"): r for r in replies if "id" in r}
    assert by_id[1]["result"]["serverInfo"]["name"] == "apex", proc.stderr
    assert by_id[2]["result"] is None
