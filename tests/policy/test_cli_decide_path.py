"""`apex policy decide --path FILE`: what a file's [[tool.apex.overrides]] entry decides,
through the real command line, and the same answers as the runtime guard of a real run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = {
    "pyproject.toml": """\
        [tool.apex]
        mode = "hybrid"

        [tool.apex.capabilities]
        subprocess = "deny"

        [[tool.apex.overrides]]
        paths = ["tools/**"]
        capabilities = { subprocess = { allow = ["true"] }, network = "deny" }

        [[tool.apex.overrides]]
        paths = ["tools/sub/*.py"]
        capabilities = { subprocess = "allow" }
    """,
    "tools/__init__.py": "",
    "tools/build.py": """\
        import subprocess

        def run(argv):
            return subprocess.run(argv).returncode
    """,
    "tools/sub/__init__.py": "",
    "tools/sub/fast.py": """\
        import subprocess

        def run(argv):
            return subprocess.run(argv).returncode
    """,
    "app/__init__.py": "",
    "app/main.py": """\
        import subprocess

        def run(argv):
            return subprocess.run(argv).returncode
    """,
}

#: (calling file, executable) -> the answer of the override that covers the file.
EXPECTED = {
    ("tools/build.py", "true"): ("allow", "pyproject.toml:7"),
    ("tools/build.py", "echo"): ("deny", "pyproject.toml:7"),
    ("tools/sub/fast.py", "echo"): ("allow", "pyproject.toml:11"),   # the last match wins
    ("app/main.py", "true"): ("deny", "pyproject.toml [tool.apex]"),
}


def decide(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "apex_cli", "policy", "decide", *args],
                          cwd=root, capture_output=True, text=True, timeout=60)


@pytest.fixture
def root(tree) -> Path:
    return tree(PROJECT)


def test_the_file_s_override_decides_and_is_named(root):
    for (caller, exe), (action, source) in EXPECTED.items():
        out = decide(root, "subprocess", exe, "--path", caller)
        assert out.returncode == (1 if action == "deny" else 0), out.stderr
        assert out.stdout == (f"{action}: subprocess on {exe} from {caller} in hybrid mode — "
                              f"policy: {source}\n")
    # A capability the override names only for its files: network stays audited elsewhere.
    assert decide(root, "network", "example.org:443", "--path", "tools/build.py").stdout \
        .startswith("deny: network on example.org:443 from tools/build.py")
    assert decide(root, "network", "example.org:443", "--path", "app/main.py").stdout \
        .startswith("audit: ")


def test_paths_match_as_the_guard_matches_them(root, tmp_path):
    """Absolute paths and symlinks resolve to the file the override covers; a directory
    only locates the policy (the project-wide rule); a missing path is an error."""
    absolute = decide(tmp_path, "subprocess", "true", "--path", str(root / "tools/build.py"))
    assert absolute.returncode == 0 and absolute.stdout.startswith("allow: ")
    (root / "alias.py").symlink_to(root / "tools" / "build.py")
    linked = decide(root, "subprocess", "true", "--path", "alias.py")
    assert linked.returncode == 0 and "policy: pyproject.toml:7" in linked.stdout
    directory = decide(root, "subprocess", "true", "--path", "tools")
    assert directory.returncode == 1
    assert directory.stdout == ("deny: subprocess on true in hybrid mode — "
                                "policy: pyproject.toml [tool.apex]\n")
    missing = decide(root, "subprocess", "true", "--path", "tools/nope.py")
    assert missing.returncode == 2 and missing.stdout == ""
    assert "tools/nope.py: no such file or directory" in missing.stderr


def test_the_answers_are_the_runtime_guard_s(root):
    """The same calls made from each file under the real `apex run`."""
    calls = "\n".join(f"attempt({caller!r}, {exe!r})" for caller, exe in EXPECTED)
    (root / "prog.py").write_text(
        "import importlib\n\n"
        "def attempt(caller, exe):\n"
        "    module = importlib.import_module(caller[:-3].replace('/', '.'))\n"
        "    try:\n"
        "        module.run([exe])\n"
        "        print('RESULT', caller, exe, 'allow')\n"
        "    except PermissionError:\n"
        "        print('RESULT', caller, exe, 'deny')\n\n" + calls + "\n")
    report = root / "report.json"
    run = subprocess.run([sys.executable, "-m", "apex_cli", "run", "--report-json",
                          str(report), "prog.py"], cwd=root, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    results = [line.split()[1:] for line in run.stdout.splitlines() if line.startswith("RESULT")]
    ran = {(caller, exe): action for caller, exe, action in results}
    assert ran == {key: action for key, (action, _) in EXPECTED.items()}
    denials = json.loads(report.read_text())["guard"]["denials"]
    assert {(d["caller"], d["target"][0]): d["source"] for d in denials} == \
        {key: source for key, (action, source) in EXPECTED.items() if action == "deny"}


def test_help_documents_path():
    out = subprocess.run([sys.executable, "-m", "apex_cli", "policy", "decide", "--help"],
                         capture_output=True, text=True, timeout=60, env=dict(os.environ,
                                                                             COLUMNS="200"))
    assert out.returncode == 0
    assert "--path PATH" in out.stdout and "[[tool.apex.overrides]]" in out.stdout
