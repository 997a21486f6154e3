"""The harness over its real protocol, in real target processes on 3.11-3.13."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from apex_host import BOOT_SCRIPT
from apex_host.client import HarnessClient, HarnessError
from apex_host.launch import harness_env, spawn

SPIN = textwrap.dedent("""
    import os, sys, time
    flag = sys.argv[1]
    deadline = time.monotonic() + 60
    while not os.path.exists(flag) and time.monotonic() < deadline:
        pass                                  # busy: always in Python code
    open(flag + ".done", "w").write("ok")
""")


def _wait_for(predicate, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")


def test_info_and_ping(target_python, tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("import sys; sys.stdin.readline(); print('args', sys.argv[1:])\n")
    with spawn([str(script), "a", "b"], python=target_python, stdin=subprocess.PIPE,
               stdout=subprocess.PIPE) as h:
        info = h.client.request("info")
        assert info["pid"] == h.pid
        assert info["argv"] == [str(script), "a", "b"]
        assert target_python.endswith(info["python"][:4]) or info["python"].startswith(
            f"{sys.version_info[0]}.")
        assert {"ping", "info", "pause", "resume", "threads"} <= set(info["commands"])
        assert h.client.request("ping", {"echo": 42})["echo"] == 42
        with pytest.raises(HarnessError) as err:
            h.client.request("no.such.command")
        assert err.value.error == "unknown_command"
        h.client.close()
        out, _ = h.process.communicate(b"\n", timeout=20)
    assert out.decode().strip() == "args ['a', 'b']"
    assert h.process.returncode == 0


def test_module_launch_sets_argv_and_path(target_python, tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "main.py").write_text(
        "import sys\nprint(__name__, sys.argv[0].endswith('main.py'), sys.argv[1:])\n")
    with spawn(["x"], module="pkg.main", python=target_python, cwd=str(tmp_path),
               stdout=subprocess.PIPE) as h:
        h.client.close()
        out, _ = h.process.communicate(timeout=20)
    assert out.decode().split() == ["__main__", "True", "['x']"]


def test_pause_parks_program_thread_and_resume_releases(target_python, tmp_path):
    flag = tmp_path / "flag"
    script = tmp_path / "spin.py"
    script.write_text(SPIN)
    with spawn([str(script), str(flag)], python=target_python) as h:
        h.client.request("ping")
        result = h.client.request("pause", {"timeout": 10})
        assert result["paused"] is True and result["parked"], result
        main = [t for t in h.client.request("threads")["threads"] if t["name"] == "MainThread"]
        assert main and main[0]["id"] in result["parked"]
        flag.write_text("go")           # the program would finish now, were it running
        time.sleep(0.3)                 # give it the chance to (wrongly) run
        assert not (tmp_path / "flag.done").exists()
        assert h.client.request("resume")["resumed"] is True
        assert h.wait(20) == 0
    assert (tmp_path / "flag.done").read_text() == "ok"


HOST = textwrap.dedent("""
    import sys
    from apex_host.launch import spawn
    h = spawn([sys.argv[1], sys.argv[2]], python=sys.argv[3], start_new_session=True)
    print(h.pid, h.client.request("pause", {"timeout": 10})["paused"], flush=True)
    sys.stdin.read()      # stay alive until killed
""")


def test_killed_adapter_leaves_target_running(target_python, tmp_path, kill_after):
    """A real parent that paused the target is SIGKILLed: the target resumes and finishes."""
    flag = tmp_path / "flag"
    script = tmp_path / "spin.py"
    script.write_text(SPIN)
    host = subprocess.Popen([sys.executable, "-c", HOST, str(script), str(flag), target_python],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    kill_after(host)
    pid, paused = host.stdout.readline().split()
    assert paused == "True"
    flag.write_text("go")            # the program would finish now, were it running
    time.sleep(0.3)
    assert not (tmp_path / "flag.done").exists()   # paused while the adapter lives
    host.send_signal(signal.SIGKILL)
    host.wait()
    try:
        _wait_for((tmp_path / "flag.done").exists, timeout=30,
                  what=lambda: f"the orphaned target {pid} to resume ({_alive(int(pid))})")
    finally:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass


def _alive(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return next(line for line in handle if line.startswith("State")).strip()
    except OSError:
        return "gone"


LISTENER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    import apex_harness
    from apex_harness import handlers

    @handlers.register("demo.echo")
    def echo(arguments, session):
        session.emit("demo.echoed", {"value": arguments["value"]})
        return {"value": arguments["value"]}

    print(apex_harness.listen(port=0, token=sys.argv[2]), flush=True)
    sys.stdin.read()
""")


def test_listen_requires_token_one_adapter_at_a_time(target_python, tmp_path, kill_after):
    adapter_dir = os.path.dirname(os.path.dirname(BOOT_SCRIPT))
    proc = subprocess.Popen([target_python, "-c", LISTENER, adapter_dir, "s3cret"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    kill_after(proc)
    address = proc.stdout.readline().strip()
    assert address.startswith("tcp:127.0.0.1:")
    with pytest.raises(HarnessError, match="bad token"):
        HarnessClient.connect(address, "wrong")
    first = HarnessClient.connect(address, "s3cret")
    assert first.info["pid"] == proc.pid
    with pytest.raises(HarnessError, match="already connected"):
        HarnessClient.connect(address, "s3cret")
    # A handler registered by the program's own module, reached over the wire.
    assert first.request("demo.echo", {"value": [1, "x"]}) == {"value": [1, "x"]}
    assert first.wait_event("demo.echoed")["body"] == {"value": [1, "x"]}
    first.close()
    # After a session ends the harness accepts the next adapter.
    second = None
    deadline = time.monotonic() + 10
    while second is None:
        try:
            second = HarnessClient.connect(address, "s3cret")
        except HarnessError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    assert second.request("ping")["pong"] is True
    second.close()


def test_listen_from_environment_variable(target_python, tmp_path, kill_after):
    script = tmp_path / "prog.py"
    script.write_text("import sys, os\nprint('token' in str(os.environ).lower(), flush=True)\n"
                      "sys.stdin.read()\n")
    env = harness_env(None, token="tok")
    env["APEX_HARNESS_LISTEN"] = "127.0.0.1:0"
    proc = subprocess.Popen([target_python, BOOT_SCRIPT, str(script)], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    kill_after(proc)
    line = proc.stderr.readline()
    assert line.startswith("apex-harness: listening on tcp:127.0.0.1:"), line
    assert proc.stdout.readline().strip() == "False"    # settings removed from os.environ
    with HarnessClient.connect(line.rsplit(" ", 1)[1].strip(), "tok") as client:
        assert client.request("info")["pid"] == proc.pid


def test_garbage_on_the_socket_does_not_hurt_the_program(target_python, tmp_path, kill_after):
    import socket
    import struct

    adapter_dir = os.path.dirname(os.path.dirname(BOOT_SCRIPT))
    proc = subprocess.Popen([target_python, "-c", LISTENER, adapter_dir, "tok"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    kill_after(proc)
    _, host, port = proc.stdout.readline().strip().split(":")
    for payload in (b"\xff" * 9, struct.pack(">I", 2**31) + b"x", struct.pack(">I", 3) + b"[1]"):
        with socket.create_connection((host, int(port))) as s:
            s.sendall(payload)
            try:
                s.shutdown(socket.SHUT_WR)
                s.recv(100)
            except OSError:
                pass                    # the harness may reset the connection: fine
    with HarnessClient.connect(f"{host}:{port}", "tok") as client:
        assert client.request("ping")["pong"] is True
    assert proc.poll() is None


def test_listen_from_environment_via_sitecustomize(target_python, tmp_path, kill_after):
    """No wrapper at all: PYTHONPATH + APEX_HARNESS_LISTEN start a harness in `python app.py`."""
    script = tmp_path / "app.py"
    script.write_text("import os, sys\nprint(sys.argv[1:], 'APEX_HARNESS_TOKEN' in os.environ,"
                      " flush=True)\nsys.stdin.readline()\n")
    site = os.path.join(os.path.dirname(BOOT_SCRIPT), "_site")
    env = {**os.environ, "PYTHONPATH": site, "APEX_HARNESS_LISTEN": "127.0.0.1:0",
           "APEX_HARNESS_TOKEN": "tok"}
    proc = subprocess.Popen([target_python, str(script), "x"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kill_after(proc)
    line = proc.stderr.readline()
    assert line.startswith("apex-harness: listening on tcp:127.0.0.1:"), line
    assert proc.stdout.readline().strip() == "['x'] False"
    with HarnessClient.connect(line.rsplit(" ", 1)[1].strip(), "tok") as client:
        assert client.request("info")["argv"] == [str(script), "x"]


def test_program_modules_do_not_shadow_the_harness(target_python, tmp_path):
    """A program directory with its own re.py / queue.py / json.py (the program sees them;
    the harness keeps the standard library's)."""
    for name in ("re", "queue", "json", "socket"):
        (tmp_path / f"{name}.py").write_text("raise SystemExit('the harness imported me')\n")
    script = tmp_path / "prog.py"
    script.write_text("import sys\nsys.stdin.readline()\nprint(sys.path[0] == %r)\n"
                      % str(tmp_path))
    with spawn([str(script)], python=target_python, stdin=subprocess.PIPE,
               stdout=subprocess.PIPE) as h:
        assert h.client.request("ping")["pong"] is True
        assert h.client.request("pause", {"timeout": 1})["paused"] is True
        h.client.request("resume")
        h.client.close()
        out, _ = h.process.communicate(b"\n", timeout=20)
    assert out.decode().strip() == "True"


def test_events_emitted_just_before_exit_arrive(target_python, tmp_path):
    script = tmp_path / "emit.py"
    script.write_text("import apex_harness\nfor i in range(3):\n"
                      "    apex_harness.emit('last.words', {'i': i})\n")
    for _ in range(3):
        got = []
        with spawn([str(script)], python=target_python, on_event=got.append) as h:
            assert h.wait(20) == 0
            assert h.client.closed.wait(10)
        assert [e["body"]["i"] for e in got if e["event"] == "last.words"] == [0, 1, 2]
