"""Attach by pid: real targets on 3.11-3.13, real gdb (probed first), both routes."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from apex_host import ptrace
from apex_host.attach import AttachError, attach, choose_route, gdb_candidates, probe_gdb

pytestmark = pytest.mark.skipif(not gdb_candidates(), reason="no gdb installed "
                                "(pip install gdb-for-pwndbg; scripts/setup does it)")

#: The main thread is blocked in a system call with the GIL released -> direct route.
SLEEPER = textwrap.dedent("""
    import sys, time
    print("ready", flush=True)
    for line in sys.stdin:          # each line: report that the program still runs
        print("still running", flush=True)
""")

#: The main thread runs Python bytecode holding the GIL -> pending-call route.
BUSY = textwrap.dedent("""
    import sys, threading
    print("ready", flush=True)
    counter = 0
    def report():
        for line in sys.stdin:
            print("still running", counter > 0, flush=True)
    threading.Thread(target=report, daemon=True).start()
    while True:
        counter += 1
""")

#: The main thread is inside one long C call that holds the GIL: nothing can run.
STUCK = textwrap.dedent("""
    print("ready", flush=True)
    sum(range(10 ** 13))
""")


@pytest.fixture
def target(target_python, kill_after):
    def start(source):
        proc = subprocess.Popen([target_python, "-c", source], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        kill_after(proc)
        assert proc.stdout.readline().strip() == "ready"
        return proc
    return start


@pytest.mark.parametrize("program,route", [(SLEEPER, "direct"), (BUSY, "pending")],
                         ids=["blocked-in-syscall", "running-python"])
def test_attach_connects_and_detach_leaves_program_running(target, program, route):
    proc = target(program)
    client = attach(proc.pid, timeout=20)
    try:
        assert client.attach_route == route
        info = client.request("info")
        assert info["pid"] == proc.pid
        # The injection bound no names in the program's __main__.
        assert client.request("ping")["pong"] is True
    finally:
        client.close()
    proc.stdin.write("?\n")
    proc.stdin.flush()
    assert proc.stdout.readline().startswith("still running")
    assert proc.poll() is None


def test_attach_times_out_cleanly_when_no_safe_point(target):
    proc = target(STUCK)
    with pytest.raises(AttachError) as err:
        attach(proc.pid, timeout=2)
    assert err.value.error == "timeout"
    assert "long C call" in str(err.value)
    assert proc.poll() is None            # the program was not harmed


BROKEN_GDB = textwrap.dedent("""\
    #!/bin/sh
    # Behaves like Debian's gdb 13.1 on CPUs with AMX: the inferior call fails and the
    # process it touched dies.
    while [ $# -gt 0 ]; do [ "$1" = "-p" ] && pid=$2; shift; done
    echo "Couldn't write extended state status: Bad address." >&2
    kill -SEGV "$pid"
    exit 1
""")


def test_refuses_to_attach_when_gdb_fails_the_probe(target, tmp_path, monkeypatch):
    fake = tmp_path / "gdb"
    fake.write_text(BROKEN_GDB)
    fake.chmod(0o755)
    monkeypatch.setenv("APEX_GDB", str(fake))
    proc = target(SLEEPER)
    with pytest.raises(AttachError) as err:
        attach(proc.pid, timeout=5)
    message = str(err.value)
    assert err.value.error == "gdb_unsafe"
    assert "refusing to attach" in message and "gdb-for-pwndbg" in message
    proc.stdin.write("?\n")
    proc.stdin.flush()
    assert proc.stdout.readline().startswith("still running")   # never touched


def test_working_gdb_passes_the_probe():
    assert probe_gdb(gdb_candidates()[0], sys.executable) is None


def test_route_selection():
    assert choose_route((3, 14), True) == "remote_exec"
    assert choose_route((3, 15), True) == "remote_exec"
    assert choose_route((3, 14), False) == "gdb"        # a build without PEP 768
    assert choose_route((3, 13), True) == "gdb"
    assert choose_route(None, True) == "gdb"


def test_ptrace_problems_name_the_fix():
    base = dict(has_cap=False, cap_possible=True, same_user=True, pid=1, target_uid=0)
    assert ptrace.explain(scope=0, **base) is None
    assert "ptrace_scope=0" in ptrace.explain(scope=1, **base)
    assert "ptrace_scope=1" in ptrace.explain(scope=2, **base)
    assert "reboot" in ptrace.explain(scope=3, **{**base, "has_cap": True})
    assert "--cap-add=SYS_PTRACE" in ptrace.explain(scope=1, **{**base, "cap_possible": False})
    assert "uid" in ptrace.explain(scope=0, **{**base, "same_user": False})
    assert ptrace.explain(scope=1, **{**base, "has_cap": True}) is None
    assert ptrace.problem(os.getpid()) is None or "ptrace" in ptrace.problem(os.getpid())
