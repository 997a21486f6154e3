"""Adversarial programs under `apex run --mode isolation`: each attack must be stopped.

Every test runs a real program through the real CLI (or the runner with the guard
off, to show the OS boundary holds on its own). Limits are small (conftest.py).
"""
from __future__ import annotations

import os
import socket
import shutil
import sys
import time

import psutil
import pytest

from .conftest import apex_run, needs_bwrap, needs_root, run_unguarded, write_project

pytestmark = [needs_bwrap, needs_root]


def test_full_isolation_is_reported(project):
    run = apex_run(project, "print('hi')\n")
    assert run.returncode == 0, run.stderr
    assert "isolation full" in run.stderr
    assert run.report["isolation"]["level"] == "full"
    assert run.report["exitStatus"] == 0
    assert run.report["peaks"]["rssBytes"] > 0


def test_exit_status_is_the_programs_own(project):
    run = apex_run(project, "import sys; sys.exit(42)\n")
    assert run.returncode == 42 and run.report["exitStatus"] == 42


@pytest.fixture
def host_listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    yield server
    server.close()


NETWORK = """
    import socket, sys
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
        print("CONNECTED")
    except OSError as e:
        print("blocked", type(e).__name__, e)
"""


def _nobody_connected(server) -> bool:
    try:
        server.accept()[0].close()
        return False
    except socket.timeout:
        return True


def test_network_denied_by_guard(project, host_listener):
    run = apex_run(project, NETWORK, str(host_listener.getsockname()[1]))
    assert "blocked PermissionError" in run.stdout and "network denied" in run.stdout
    assert _nobody_connected(host_listener)
    assert "policy" in run.kinds()


def test_network_blocked_by_namespace_without_guard(project, host_listener):
    report, out, _ = run_unguarded(project, NETWORK, str(host_listener.getsockname()[1]))
    assert "CONNECTED" not in out and "blocked" in out, out
    assert _nobody_connected(host_listener)
    assert report.layers["network"] == "ok"


SUBPROCESS = """
    import subprocess, os
    for attempt in (lambda: subprocess.run(["/bin/echo", "SPAWNED"]),
                    lambda: os.system("echo SPAWNED"),
                    lambda: os.fork()):
        try:
            pid = attempt()
            if pid == 0:
                os._exit(0)
            print("ran")
        except PermissionError as e:
            print("blocked", e)
"""


def test_subprocess_denied(project):
    run = apex_run(project, SUBPROCESS)
    assert "SPAWNED" not in run.stdout.splitlines() and "ran" not in run.stdout
    assert run.stdout.count("blocked") == 3
    assert "subprocess denied" in run.stdout


WRITE_OUTSIDE = """
    import os, sys
    targets = [sys.argv[1], os.path.join(os.getcwd(), "pyproject.toml"), "/etc/apex-test"]
    for path in targets:
        try:
            with open(path, "a") as handle:
                handle.write("pwned")
            print("wrote", path)
        except OSError as e:
            print("blocked", type(e).__name__, e.errno)
    with open(".apex/tmp/result.txt", "w") as handle:   # the allowed directory
        handle.write("ok")
    try:
        with open("/tmp/private.txt", "w") as handle:    # a private /tmp (the guard
            handle.write("ok")                           # refuses it outright)
    except PermissionError:
        pass
    print("done")
"""


@pytest.mark.parametrize("guarded", [True, False], ids=["guard", "os-only"])
def test_writes_outside_the_allowed_dir_are_stopped(project, tmp_path, guarded):
    victim = tmp_path / "victim.txt"
    victim.write_text("original")
    pyproject = (project / "pyproject.toml").read_text()
    if guarded:
        run = apex_run(project, WRITE_OUTSIDE, str(victim))
        out = run.stdout
        assert out.count("blocked PermissionError") == 3, out
    else:
        _, out, _ = run_unguarded(project, WRITE_OUTSIDE, str(victim))
        # The read-only view refuses the project file and /etc (EROFS). The victim lives
        # under /tmp, which is private: the write lands in the sandbox's own tmpfs.
        assert out.count("blocked OSError 30") == 2, out
    assert "done" in out, out
    assert victim.read_text() == "original"
    assert (project / "pyproject.toml").read_text() == pyproject
    assert not os.path.exists("/etc/apex-test")
    # The allowed directory persisted; the private /tmp did not leak out.
    assert (project / ".apex" / "tmp" / "result.txt").read_text() == "ok"
    assert not os.path.exists("/tmp/private.txt")


NATIVE = """
    for attempt in ("import ctypes; ctypes.CDLL('libc.so.6').getpid()",
                    "import _ctypes; _ctypes.dlopen('libc.so.6')"):
        try:
            exec(compile(attempt, "attack", "exec"), {})
            print("loaded")
        except PermissionError as e:
            print("blocked", e)
"""


def test_native_code_denied(project):
    project = write_project(project, capabilities={"dynamic_code": "allow"})
    run = apex_run(project, NATIVE)
    assert "loaded" not in run.stdout
    assert run.stdout.count("native_code denied") == 2, run.stdout + run.stderr


TAMPER = """
    import gc, sys
    def attempt(name, fn):
        try:
            fn()
            print(name, "ran")
        except PermissionError as e:
            print(name, "blocked")
    attempt("gc", lambda: gc.get_objects())
    attempt("referrers", lambda: gc.get_referrers(sys))
    def frame_of_guard():
        try:
            open("/etc/x", "w")
        except PermissionError as e:
            import traceback
            assert "PermissionError: apex runtime guard" in traceback.format_exc()
            tb = e.__traceback__
            while tb.tb_next:
                tb = tb.tb_next
            print("guard frame holds", sorted(tb.tb_frame.f_locals))
    attempt("frame", frame_of_guard)
    def patch():
        import apex_policy.runtime as runtime
        runtime.RuntimePolicy.decide = lambda *a, **k: "allow"
        runtime.RuntimePolicy.action = lambda *a, **k: "allow"
    attempt("patch", patch)
    sys.addaudithook(lambda event, args: None)   # adding hooks cannot remove ours
    try:
        open("/etc/apex-tamper", "w")
        print("write after tampering: ran")
    except OSError as e:
        print("write after tampering:", type(e).__name__)
"""


def test_tampering_with_the_guard(project):
    run = apex_run(project, TAMPER)
    out = run.stdout
    assert "gc blocked" in out and "referrers blocked" in out, out
    # A denial's traceback can be printed (logging, debuggers); the guard's frame in it
    # holds nothing of the guard.
    assert "guard frame holds ['args', 'error', 'event']" in out and "frame ran" in out, out
    # Patching the policy class is possible but changes nothing: the hook holds its own
    # bound methods. The write is still refused.
    assert "write after tampering: PermissionError" in out
    assert not os.path.exists("/etc/apex-tamper")


def test_memory_exhaustion_in_one_process(project):
    run = apex_run(project, "x = bytearray(1024 ** 3)\nprint('allocated')\n")
    assert "allocated" not in run.stdout
    assert "MemoryError" in run.stderr
    assert run.returncode != 0


def test_memory_spread_over_children_hits_the_cgroup(project):
    write_project(project, limits={"memory": "150MB"},
                  capabilities={"subprocess": "allow"})
    program = """
        import os, time
        kids = []
        for i in range(4):
            pid = os.fork()
            if pid == 0:
                block = bytearray(60 * 1024 * 1024)     # under the per-process limit
                for j in range(0, len(block), 4096):
                    block[j] = 1                         # really touch it
                time.sleep(5)
                os._exit(0)
            kids.append(pid)
        codes = [os.waitpid(k, 0)[1] for k in kids]
        print("children", codes)
    """
    run = apex_run(project, program)
    # 4 x 60 MB touched in a 150 MB cgroup: the tree never holds more than the limit;
    # the kernel reclaims or OOM-kills inside the cgroup.
    assert run.report["cgroup"]["memoryPeak"] <= 150 * 1000 ** 2, run.report
    assert run.report["cgroup"]["oomKills"] or run.report["cgroup"]["memoryLimitHits"], \
        run.report
    assert "memory" in run.kinds()
    assert "9" in run.stdout.split("children")[1], run.stdout  # an OOM-killed child
    assert run.returncode == run.report["exitStatus"] == 0    # the program's own status


def test_cpu_exhaustion_is_killed(project):
    run = apex_run(project, "while True:\n    pass\n")
    assert run.report["signal"] in ("SIGXCPU", "SIGKILL"), run.report
    assert "cpu" in run.kinds()
    assert run.returncode != 0


def test_wall_time_is_enforced_by_the_watchdog(project):
    write_project(project, limits={"wall": "1s"})
    started = time.monotonic()
    run = apex_run(project, "import time\ntime.sleep(60)\n")
    assert time.monotonic() - started < 30
    assert run.returncode == 124
    assert "wall" in run.kinds() and "killed" in run.stderr


def test_process_exhaustion_is_bounded(project):
    write_project(project, capabilities={"subprocess": "allow"})
    program = """
        import os, time
        made = 0
        for i in range(200):
            try:
                if os.fork() == 0:
                    time.sleep(10)
                    os._exit(0)
                made += 1
            except OSError as e:
                print("refused after", made, e.errno)
                break
    """
    run = apex_run(project, program)
    assert "refused after" in run.stdout, run.stdout + run.stderr
    made = int(run.stdout.split("refused after")[1].split()[0])
    assert made < 20
    assert "processes" in run.kinds()


def test_disk_and_file_size_exhaustion(project):
    program = """
        import os, errno
        try:
            with open(".apex/tmp/big.bin", "wb") as handle:
                handle.write(b"x" * (2 * 1024 * 1024))       # over file-size (1MB)
        except OSError as e:
            print("file-size", errno.errorcode[e.errno])
        written = 0
        try:
            for i in range(40):                                # 40 x 0.5MB over disk (8MB)
                with open(f".apex/tmp/part{i}.bin", "wb") as handle:
                    handle.write(b"y" * (512 * 1024))
                written += 1
        except OSError as e:
            print("disk", errno.errorcode[e.errno], written)
    """
    run = apex_run(project, program)
    assert "file-size EFBIG" in run.stdout, run.stdout + run.stderr
    assert "disk ENOSPC" in run.stdout
    assert sum(f.stat().st_size for f in (project / ".apex" / "tmp").iterdir()) <= 8 * 1024 ** 2


def test_open_files_exhaustion(project):
    program = """
        handles = []
        try:
            for i in range(10000):
                handles.append(open(__file__))
        except OSError as e:
            print("stopped at", len(handles), e.errno)
    """
    run = apex_run(project, program)
    assert "stopped at" in run.stdout
    assert int(run.stdout.split()[2]) < 64


def test_killing_apex_kills_the_sandboxed_tree(project):
    import subprocess

    script = project / "prog.py"
    script.write_text("import time\nprint('up', flush=True)\ntime.sleep(60)\n")
    apex = subprocess.Popen([sys.executable, "-m", "apex_cli", "run", str(script)],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    try:
        assert apex.stdout.readline().strip() == "up"
        tree = psutil.Process(apex.pid).children(recursive=True)
        assert tree
        apex.kill()
        apex.wait()
        gone, alive = psutil.wait_procs(tree, timeout=15)
        assert not alive, alive
    finally:
        if apex.poll() is None:
            apex.kill()


def test_partial_isolation_is_refused_unless_allowed(project, tmp_path):
    bindir = tmp_path / "bin"          # a PATH without bubblewrap
    bindir.mkdir()
    env = {**os.environ, "PATH": str(bindir)}
    run = apex_run(project, "print('ran')\n", env=env)
    assert run.returncode == 3
    assert "ran" not in run.stdout
    assert "partial" in run.report["isolation"]["level"]
    assert "bubblewrap" in run.stderr and "--allow-partial-isolation" in run.stderr
    run = apex_run(project, "print('ran')\n", extra=("--allow-partial-isolation",), env=env)
    assert run.returncode == 0 and "ran" in run.stdout
    assert run.report["isolation"]["level"].startswith("partial: namespaces")


def test_sigterm_to_apex_reaches_the_program(project):
    import signal
    import subprocess

    script = project / "prog.py"
    script.write_text("import signal, sys, time\n"
                      "signal.signal(signal.SIGTERM, lambda *a: (print('got TERM', flush=True),"
                      " sys.exit(5)))\nprint('up', flush=True)\ntime.sleep(30)\n")
    for mode in ("development", "isolation"):
        apex = subprocess.Popen([sys.executable, "-m", "apex_cli", "run", "--mode", mode,
                                 str(script)], cwd=project, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        try:
            assert apex.stdout.readline().strip() == "up"
            apex.send_signal(signal.SIGTERM)
            assert apex.stdout.readline().strip() == "got TERM"
            assert apex.wait(20) == 5
        finally:
            if apex.poll() is None:
                apex.kill()


@pytest.mark.skipif(not all(shutil.which(t) for t in ("unshare", "setpriv")),
                    reason="util-linux unshare/setpriv missing")
def test_unshare_fallback_without_bubblewrap(project, tmp_path, monkeypatch):
    """No bwrap on PATH, but root + unshare: the same boundary from our own init."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in ("unshare", "setpriv"):
        (bindir / tool).symlink_to(shutil.which(tool))
    monkeypatch.setenv("PATH", str(bindir))
    program = """
        import os, socket
        for path in ("/etc/apex-unshare", os.path.join(os.getcwd(), "pyproject.toml")):
            try:
                open(path, "a").write("x")
                print("wrote", path)
            except OSError as e:
                print("blocked", e.errno)
        try:
            socket.create_connection(("127.0.0.1", 9), timeout=1)
        except OSError as e:
            print("network", e.errno)
        open(".apex/tmp/kept.txt", "w").write("ok")
        print("pid", os.getpid())
        print("caps", open("/proc/self/status").read().split("CapEff:")[1].split()[0])
    """
    report, out, err = run_unguarded(project, program)
    assert report.isolation == "full" and report.sandbox == "unshare", (report.layers, err)
    assert "wrote" not in out and out.count("blocked 30") == 2, out + err
    assert "network 101" in out or "network 111" in out
    assert "caps 0000000000000000" in out
    assert int(out.split("pid ")[1].split()[0]) < 10           # its own PID namespace
    assert (project / ".apex" / "tmp" / "kept.txt").read_text() == "ok"
    assert not os.path.exists("/etc/apex-unshare")


def test_uncaught_denial_exits_non_zero_with_the_reason(project):
    run = apex_run(project, "import socket\nsocket.create_connection(('127.0.0.1', 9))\n")
    assert run.returncode == 1
    assert "PermissionError: apex runtime guard: network denied" in run.stderr
    assert "policy denial(s), the first: network" in run.report["reason"]


def test_tempfile_works_inside_isolation(project):
    run = apex_run(project, "import tempfile\nwith tempfile.NamedTemporaryFile() as f:\n"
                            "    f.write(b'x')\n    print('temp', f.name)\n")
    assert run.returncode == 0, run.stderr
    assert f"temp {project}/.apex/tmp/" in run.stdout
