"""End to end in real VS Code: code-server in headless Chromium, driven by playwright-core.

The built vsix is installed into a fresh code-server. In a copy of examples/vulnerable-app
one session of the workbench goes through: Apex diagnostics in the Problems panel and a
quick fix; a recorded debug session (breakpoint, Step Back, the Apex Timeline, Save
Recording, back to the present, to the end); Open Recording, which replays the saved file
with no program running and steps back in it; hot reload on save (the paused program's
function returns the new value at the next stop); the attach picker (`apex ps`) attaching
to a running program that called `apex_harness.listen`, which keeps running after the
detach; Run File in Isolation; switching the mode from the status bar.

Everything the run leaves goes to vscode-extension/.e2e/last-run: screenshots (shots/),
the driver's stage log (driver.log: every step as it starts and ends), code-server's log,
the window and extension host logs (logs/, with the Apex output channel). A failure names
the step and these paths. `APEX_E2E_SCREENSHOTS=1` also copies the screenshots into
vscode-extension/media/, which the extension's README shows.

The toolchain (Node 24, code-server, playwright-core, chromium) comes from
`scripts/setup --all` (vscode-extension/scripts/setup-e2e.sh); the test runs that script
itself when it is missing and skips only when it cannot install. Every process the test
starts is tagged with an environment variable and killed at the end, pass or fail.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
import warnings
from pathlib import Path

import pytest

from .codeserver import (CODE_SERVER, E2E, NODE_BIN, PLAYWRIGHT, build_vsix, ensure_toolchain,
                         fresh_run_dir, keep_logs, kill_tagged, run_driver, wait_listening)
from .conftest import EXTENSION, REPO

pytestmark = [pytest.mark.slow, pytest.mark.editor]

DRIVER = EXTENSION / "e2e" / "drive.mjs"
DRIVER_TIMEOUT = 600  # seconds; a normal run takes about a minute and a half
STAGES = ["server", "problems", "quickfix", "breakpoint", "stepback", "saverecording", "ended",
          "replay", "hotreload", "attach", "isolation", "switchmode"]

COMPUTE = '''def main():
    value = 1
    value = value * 10
    value = value + 5
    print("result", value)


main()
'''
GREET = '''import time

from greeting import greeting


def main():
    for _ in range(2400):
        message = greeting()
        time.sleep(0.05)


main()
'''
GREETING = '''def greeting():
    return "old"
'''
# A long-running program with an Apex harness listener: what the attach picker finds.
SERVED = '''import os
import sys
import time

sys.path.append(sys.argv[1])
import apex_harness  # noqa: E402

apex_harness.listen(port=0, token=os.environ["APEX_E2E_HARNESS_TOKEN"])


def handle(request):
    reply = request * 3
    return reply


print("serving", flush=True)
deadline = time.monotonic() + 600
while not os.path.exists(sys.argv[2]) and time.monotonic() < deadline:
    handle(7)
    time.sleep(0.02)
print("finished", flush=True)
'''
LAUNCH = {"version": "0.2.0", "configurations": [
    {"name": "Apex: compute.py", "type": "apex", "request": "launch",
     "program": "${workspaceFolder}/compute.py", "record": True},
    {"name": "Apex: greet.py", "type": "apex", "request": "launch",
     "program": "${workspaceFolder}/greet.py"},
    {"name": "Apex: attach to a process", "type": "apex", "request": "attach",
     "processId": "${command:apex.pickProcess}"},
]}
# Hybrid mode needs an explicit grant for hot reload (docs/hot-reload.md).
HOT_RELOAD_PERMISSION = '''
[[tool.apex.permissions]]
operations = ["hot_reload"]
reason = "e2e: hot reload on save"
'''
USER_SETTINGS = {
    "files.autoSave": "off", "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": False, "telemetry.telemetryLevel": "off",
    "workbench.tips.enabled": False, "extensions.ignoreRecommendations": True,
    "update.mode": "none", "chat.disableAIFeatures": True,
    # Every LSP message, its timing and body in the Apex output channel (kept in last-run/logs).
    "apex.trace.server": "verbose",
}


def _line(text: str, snippet: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if snippet in line)


def _workspace(root: Path) -> tuple[Path, dict]:
    """The example app plus the journey's programs; returns it and the lines the driver
    points at."""
    workspace = root / "vulnerable-app"
    shutil.copytree(REPO / "examples" / "vulnerable-app", workspace)
    for name, text in (("compute.py", COMPUTE), ("greet.py", GREET), ("greeting.py", GREETING),
                       ("served.py", SERVED)):
        (workspace / name).write_text(text)
    with open(workspace / "pyproject.toml", "a") as pyproject:
        pyproject.write(HOT_RELOAD_PERMISSION)
    (workspace / ".vscode").mkdir()
    (workspace / ".vscode" / "launch.json").write_text(json.dumps(LAUNCH, indent=2))
    (workspace / ".vscode" / "settings.json").write_text(json.dumps({"apex.hotReloadOnSave": True}))
    crypto = (workspace / "app" / "crypto.py").read_text()
    md5 = _line(crypto, "hashlib.md5(")
    lines = {"md5": f"{md5}:{crypto.splitlines()[md5 - 1].index('hashlib.md5') + 3}",
             "compute": _line(COMPUTE, "value = value + 5"),
             "greetBreak": _line(GREET, "time.sleep"), "greetEdit": _line(GREETING, "return"),
             "served": _line(SERVED, "return reply")}
    return workspace, lines


def _working_gdb(python: str) -> str | None:
    """A gdb that passes apex_host's safety probe (the attach picker injects through it)."""
    from apex_host.attach import gdb_candidates, probe_gdb
    return next((gdb for gdb in gdb_candidates() if probe_gdb(gdb, python) is None), None)


def _start_served(workspace: Path, python: str, env: dict[str, str], run_dir: Path) -> subprocess.Popen:
    stderr = run_dir / "served-stderr.log"
    with open(stderr, "w") as err:
        served = subprocess.Popen(
            [python, str(workspace / "served.py"), str(REPO / "adapter"), str(workspace / "served.stop")],
            cwd=workspace, env=dict(env, APEX_E2E_HARNESS_TOKEN=uuid.uuid4().hex),
            stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True)
    ready, _, _ = select.select([served.stdout], [], [], 60)
    assert ready and served.stdout.readline().strip() == "serving", \
        f"served.py did not start (exit status {served.poll()}); see {stderr}"
    return served


@pytest.fixture
def journey(tmp_path, node_modules):
    ensure_toolchain()
    vsix = build_vsix()
    run_dir = fresh_run_dir()
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
    workspace, lines = _workspace(tmp_path)
    tag = uuid.uuid4().hex
    # A bare interpreter (no apex installed) first on PATH: the extension finds
    # python3 there and runs the packages bundled in the vsix.
    bare_python = os.path.realpath(sys.executable)
    env = {"PATH": f"{NODE_BIN}:{Path(bare_python).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
           "TMPDIR": str(short / "tmp"), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local" / "share"), "XDG_CACHE_HOME": str(home / ".cache"),
           "LANG": "C.UTF-8", "APEX_E2E_TAG": tag}
    gdb = _working_gdb(bare_python)
    if gdb:
        env["APEX_GDB"] = gdb  # what a user without a safe gdb on PATH sets
    else:
        warnings.warn("VS Code e2e: no gdb passed apex_host's safety probe, so the attach picker "
                      "stage is skipped (scripts/setup installs gdb-for-pwndbg)")
    common = ["--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    install = subprocess.run([str(CODE_SERVER), *common, "--install-extension", str(vsix)],
                             env=env, capture_output=True, text=True, timeout=180)
    assert "successfully installed" in install.stdout, install.stdout + install.stderr
    log_path = run_dir / "code-server.log"
    served = None
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [str(CODE_SERVER), *common, "--bind-addr", "127.0.0.1:0", "--auth", "none",
             "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
             "--reconnection-grace-time", "5", str(workspace)],
            cwd=workspace, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        if gdb:
            served = _start_served(workspace, bare_python, env, run_dir)
        yield {"env": env, "workspace": workspace, "lines": lines, "server": server,
               "log": log_path, "run_dir": run_dir, "user_data": user_data, "served": served}
    finally:
        kill_tagged(tag)
        for proc in (server, served):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            if proc is not None:
                proc.wait(timeout=10)
        shutil.rmtree(extensions.parent, ignore_errors=True)
        shutil.rmtree(short, ignore_errors=True)


def _failure(run_dir: Path, stages: list[dict], apex_logs: list[Path], code_server_log: Path) -> str:
    """The assertion message: the failing step, the stage log's tail, and where to look."""
    error = next((s["message"] for s in stages if s["stage"] == "error"), "")
    log = run_dir / "driver.log"
    tail = log.read_text().splitlines()[-15:] if log.exists() else []
    stderr = (run_dir / "driver-stderr.log").read_text()[-1500:]
    paths = [("stage log", log), ("screenshot", run_dir / "shots" / "failure.png"),
             ("screenshots", run_dir / "shots"), ("code-server log", code_server_log),
             ("window and extension host logs", run_dir / "logs"),
             *(("Apex output channel", p) for p in apex_logs),
             ("browser console", run_dir / "browser-console.log")]
    where = "\n".join(f"  {name}: {path}" for name, path in paths if path.exists())
    return (f"the VS Code journey failed after stages {[s['stage'] for s in stages if s['ok']]}\n"
            f"{error[:2500]}\nlast steps:\n" + "\n".join(tail) +
            (f"\ndriver stderr:\n{stderr}" if stderr.strip() else "") + f"\nkept in {run_dir}:\n{where}")


def test_vscode_journey(journey):
    run_dir, workspace = journey["run_dir"], journey["workspace"]
    port = wait_listening(journey["log"], journey["server"])
    env = dict(journey["env"], APEX_E2E_URL=f"http://127.0.0.1:{port}/?folder={workspace}",
               APEX_E2E_OUT=str(run_dir), APEX_E2E_PLAYWRIGHT=str(PLAYWRIGHT),
               APEX_E2E_WORKSPACE=str(workspace), APEX_E2E_LINES=json.dumps(journey["lines"]),
               APEX_E2E_ATTACH="1" if journey["served"] else "0",
               # Other runs' harness programs may be listed too (the picker shows every
               # harness of the user): pick ours by pid.
               APEX_E2E_SERVED_PID=str(journey["served"].pid) if journey["served"] else "")
    code = run_driver(DRIVER, env, run_dir, DRIVER_TIMEOUT)
    apex_logs = keep_logs(journey["user_data"], run_dir)
    stages = [json.loads(line) for line in (run_dir / "stages.jsonl").read_text().splitlines()
              if line.startswith("{")]
    by_name = {s["stage"]: s for s in stages}
    expected = STAGES if journey["served"] else [s for s in STAGES if s != "attach"]
    assert code == 0 and [s["stage"] for s in stages] == expected, \
        _failure(run_dir, stages, apex_logs, journey["log"])
    assert by_name["server"]["status"] == "Apex: hybrid"  # mode + policy from pyproject.toml
    assert any("APX400" in row for row in by_name["problems"]["sample"] + [""]) or by_name["problems"]["rows"] > 3
    assert "usedforsecurity=False" in by_name["quickfix"]["line"]
    # Time travel, live.
    assert by_name["breakpoint"]["variable"] == "value=10"
    assert by_name["stepback"]["variable"] == "value=1"
    assert "of the recorded history" in by_name["stepback"]["where"]
    assert by_name["stepback"]["timeline"].startswith("main()")
    for stage in ("stepback", "replay", "hotreload", "attach"):  # no Apex error on screen
        assert not by_name.get(stage, {}).get("errors"), by_name[stage]
    assert "result 15" in by_name["ended"]["console"]
    # Save Recording wrote a recording that Open Recording replays with no program running.
    recording = workspace / "recording.apexrec"
    assert str(recording) in by_name["saverecording"]["notification"]
    assert recording.read_bytes()[:8] == b"\x89APEXREC"
    replay = by_name["replay"]
    assert replay["entry"] == "start of the recording" and replay["variable"] == "value=1"
    assert replay["reverseContinue"] and replay["programProcesses"] == 0, replay
    # Hot reload on save: the saved file is on disk, the running program returns the new value.
    hot = by_name["hotreload"]
    assert (hot["before"], hot["after"]) == ("message='old'", "message='new'"), hot
    assert "patched 1 (greeting.greeting)" in hot["console"]
    assert 'return "new"' in (workspace / "greeting.py").read_text()
    if journey["served"]:
        attached = by_name["attach"]
        assert "Apex harness inside" in attached["picked"], attached
        assert str(journey["served"].pid) in attached["picked"]
        assert attached["variable"] == "reply=21" and attached["detachable"], attached
        # Detaching left the program running, not paused: it finishes when told to.
        served = journey["served"]
        assert served.poll() is None, "the attached program died"
        (workspace / "served.stop").touch()
        assert served.wait(timeout=60) == 0
        assert served.stdout.read().strip().endswith("finished")
    assert by_name["isolation"]["exit"] == "0", by_name["isolation"]
    assert "Apex: isolation" in by_name["switchmode"]["status"]
    if os.environ.get("APEX_E2E_SCREENSHOTS") == "1":
        media = EXTENSION / "media"
        for png in (run_dir / "shots").glob("*.png"):
            shutil.copy(png, media / png.name)
