import os
import shutil
import sys

import pytest

from .client import DapClient, find_marker

HERE = os.path.dirname(os.path.abspath(__file__))
DEBUGGEES = os.path.join(HERE, "debuggees")

_CANDIDATES = {
    "3.11": sys.executable if sys.version_info[:2] == (3, 11) else shutil.which("python3.11"),
    "3.12": "/root/.pyenv/versions/3.12.1/bin/python3",
    "3.13": "/root/.pyenv/versions/3.13.0/bin/python3",
}


def _interpreters():
    params = []
    for version, path in _CANDIDATES.items():
        present = bool(path) and os.path.exists(path)
        params.append(pytest.param(path, id=f"py{version}", marks=() if present else
                                   pytest.mark.skip(reason=f"Python {version} not installed here")))
    return params


INTERPRETERS = _interpreters()


def _older():
    params = []
    for version, path in (("3.9", "/root/.pyenv/versions/3.9.18/bin/python3"),
                          ("3.10", "/root/.pyenv/versions/3.10.13/bin/python3")):
        present = os.path.exists(path)
        params.append(pytest.param(path, id=f"py{version}", marks=() if present else
                                   pytest.mark.skip(reason=f"Python {version} not installed here")))
    return params


#: Targets older than the adapter's own minimum (the harness supports 3.9+).
OLDER_INTERPRETERS = _older()


def debuggee(name: str) -> str:
    return os.path.join(DEBUGGEES, name)


@pytest.fixture
def dap_env(tmp_path):
    env = dict(os.environ)
    env["HOME"] = str(tmp_path / "home")
    os.makedirs(env["HOME"], exist_ok=True)
    env["APEX_TEST_DEBUGPY_DIR"] = _debugpy_dir()
    return env


def _debugpy_dir():
    from apex_dap.engine.target import debugpy_path_dir
    return debugpy_path_dir()


@pytest.fixture(params=["stdio", "tcp"])
def transport(request):
    return request.param


@pytest.fixture
def make_client(dap_env, tmp_path):
    clients = []

    def make(transport: str = "stdio", **kw) -> DapClient:
        cwd = kw.pop("cwd", str(tmp_path))
        client = DapClient.tcp(dap_env, cwd, **kw) if transport == "tcp" else \
            DapClient.stdio(dap_env, cwd)
        client.session_defaults["auditLog"] = str(tmp_path / f"audit-{len(clients)}.jsonl")
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close(timeout=10)


def start_launch(client: DapClient, program: str | None, *, breakpoints=(), python=None,
                 args=None, source: str | None = None, **launch):
    """initialize → launch → (initialized) → setBreakpoints → configurationDone.

    ``source`` is the file the breakpoints are in (default: ``program``; a module launch
    passes ``program=None``)."""
    client.initialize()
    arguments = {"console": "internalConsole", **launch}
    if program is not None:
        arguments["program"] = program
    source = source or program
    if python:
        arguments["python"] = python
    if args is not None:
        arguments["args"] = args
    seq = client.request_async("launch", arguments)
    initialized = client.wait_event("initialized")
    if breakpoints:
        client.request("setBreakpoints", {
            "source": {"path": source},
            "breakpoints": [{"line": find_marker(source, b)} if isinstance(b, str) else b
                            for b in breakpoints]})
    done = client.request("configurationDone")
    launched = client.response(seq)
    assert launched["success"], launched.get("message")
    assert client.index_of(initialized) < client.index_of(done)
    return launched


def output_text(client: DapClient) -> str:
    return "".join(m["body"]["output"] for m in client.timeline
                   if m.get("event") == "output" and m["body"].get("category") in ("stdout", "stderr", "console"))


def reports(client: DapClient) -> dict:
    import json
    found = {}
    for line in output_text(client).splitlines():
        if line.startswith("REPORT "):
            data = json.loads(line[7:])
            found[data.pop("tag")] = data
    return found
