"""[[tool.apex.overrides]] at run time: the guard finds the user file making a guarded
call and applies that file's override. Real programs under the real `apex run`."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from apex_policy.audit import verify


def apex_run(root: Path, *options: str, python: str = sys.executable):
    report = root / "report.json"
    proc = subprocess.run([sys.executable, "-m", "apex_cli", "run", "--python", python,
                           "--report-json", str(report), *options, str(root / "prog.py")],
                          cwd=root, capture_output=True, text=True, timeout=60)
    return proc, json.loads(report.read_text()) if report.exists() else {}


HYBRID = {
    "pyproject.toml": """\
        [tool.apex]
        mode = "hybrid"

        [tool.apex.capabilities]
        subprocess = "deny"

        [[tool.apex.overrides]]
        paths = ["tools/**"]
        capabilities = { subprocess = "allow" }
    """,
    "tools/__init__.py": "",
    "tools/build.py": """\
        import subprocess

        def run_true():
            # Through the standard library: the call is still this file's.
            return subprocess.run(["true"]).returncode
    """,
    "app/__init__.py": "",
    "app/main.py": """\
        import subprocess

        def run_true():
            return subprocess.run(["true"]).returncode
    """,
    "prog.py": """\
        import subprocess
        from app import main
        from tools import build

        def attempt(label, call):
            try:
                print(label, "ran", call())
            except PermissionError as error:
                print(label, "refused", error)

        attempt("tools", build.run_true)
        attempt("app", main.run_true)
        attempt("prog", lambda: subprocess.run(["true"]).returncode)
    """,
}


def test_an_override_allows_its_files_only(tree, python):
    root = tree(HYBRID)
    proc, report = apex_run(root, python=python)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines())
    assert lines["tools"] == "ran 0"
    assert lines["app"].startswith("refused apex runtime guard: subprocess denied by the "
                                   "policy (pyproject.toml [tool.apex])")
    assert lines["app"].endswith("(called from app/main.py)")
    assert lines["prog"].endswith("(called from prog.py)")
    denials = report["guard"]["denials"]
    assert [d.get("caller") for d in denials] == ["app/main.py", "prog.py"]
    log = root / ".apex" / "audit.jsonl"
    assert verify(str(log)).ok
    records = [json.loads(line) for line in log.read_text().splitlines()[1:]]
    refused = [r["details"]["caller"] for r in records if r["operation"] == "runtime.subprocess"]
    assert refused == ["app/main.py", "prog.py"]


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    yield server
    server.close()


DEVELOPMENT = {
    "pyproject.toml": """\
        [tool.apex]
        mode = "development"

        [[tool.apex.overrides]]
        paths = ["plugins/**"]
        capabilities = { network = "deny" }

        [[tool.apex.overrides]]
        paths = ["plugins/trusted.py"]
        capabilities = { network = { allow = ["127.0.0.1"] } }
    """,
    "plugins/__init__.py": "",
    "plugins/untrusted.py": """\
        import socket

        def call_home(port):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return "connected"
    """,
    "plugins/trusted.py": """\
        import socket

        def call_home(port):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return "connected"
    """,
    "prog.py": """\
        import socket, sys
        from plugins import trusted, untrusted

        port = int(sys.argv[1])
        for name, call in (("untrusted", untrusted.call_home), ("trusted", trusted.call_home),
                           ("prog", lambda p: socket.create_connection(
                               ("127.0.0.1", p), timeout=5).close() or "connected")):
            try:
                print(name, call(port))
            except PermissionError as error:
                print(name, "refused", error)
    """,
}


def test_a_deny_override_guards_a_development_run(tree, listener):
    root = tree(DEVELOPMENT)
    report_path = root / "report.json"
    proc = subprocess.run([sys.executable, "-m", "apex_cli", "run", "--report-json",
                           str(report_path), str(root / "prog.py"),
                           str(listener.getsockname()[1])],
                          cwd=root, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines())
    # The guard is installed in development mode because an override restricts network.
    assert lines["untrusted"].startswith("refused apex runtime guard: network denied by the "
                                         "policy (pyproject.toml:4)")
    assert "(called from plugins/untrusted.py)" in lines["untrusted"]
    assert lines["trusted"] == "connected"      # the later, narrower override's scope
    assert lines["prog"] == "connected"         # not covered: the project rule (allow)
    report = json.loads(report_path.read_text())
    assert report["guard"]["counts"]["deny"] == 1


def test_without_overrides_no_caller_is_named(tree):
    root = tree({
        "pyproject.toml": '[tool.apex]\nmode = "hybrid"\n'
                          '[tool.apex.capabilities]\nsubprocess = "deny"\n',
        "prog.py": """\
            import subprocess
            try:
                subprocess.run(["true"])
            except PermissionError as error:
                print("refused", "called from" in str(error))
        """,
    })
    proc, report = apex_run(root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "refused False"
    assert "caller" not in report["guard"]["denials"][0]
