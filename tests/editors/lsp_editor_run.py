"""Running a real editor for the LSP tests: throwaway HOME/XDG dirs, its own
process group, killed whole at the end, pass or fail."""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest


def isolated_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    home = tmp_path / "home"
    for name in ("config", "data", "state", "cache", "tmp"):
        (home / name).mkdir(parents=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"), TMPDIR=str(home / "tmp"))
    return env


def run_editor(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 90):
    """Run an editor in its own process group and kill the whole group afterwards."""
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"{cmd[0]} timed out\nstdout: {out[-2000:]!r}\nstderr: {err[-2000:]!r}")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")
