"""Frame restart's trampolines and ``arm`` in real 3.9-3.13 processes (stdlib only).

The DAP path is in test_dap.py; here the corners: every parameter kind, closures,
zero-argument super(), a restart requested from inside the running call (what the
debugger does from its callback on the paused thread), and the refusals.
"""
from __future__ import annotations

import os
import subprocess
import textwrap

import pytest

ADAPTER = os.path.join(os.path.dirname(__file__), "..", "..", "adapter")

SCRIPT = r'''
import inspect, os, sys, textwrap, traceback
sys.path.insert(0, ADAPTER)
sys.path.insert(0, WORKSPACE)
from apex_harness.reload import restart, service

reloader = service.reloader([WORKSPACE])
restart.enable(reloader)
import mod

# Signatures, defaults and identity survive the trampoline.
assert str(inspect.signature(mod.every_kind)) == "(a, /, b, *rest, c, d=4, **kw)", inspect.signature(mod.every_kind)
assert mod.every_kind(1, 2, 3, c=5, e=6) == (1, 2, (3,), 5, 4, {"e": 6})
assert mod.Child().who() == "child of base"
add = mod.make_adder(10)
assert add(1) == 11
assert list(mod.gen()) == [1, 2]
assert mod.every_kind.__code__.co_filename == "<apex restart>"
assert inspect.getsource(mod.every_kind).startswith("def every_kind(a, /, b")
assert "super().who()" in inspect.getsource(mod.Child.who)
assert mod.decorated(2) == ("wrapped", 4)
assert mod.decorated.__wrapped__.__code__.co_filename == "<apex restart>"  # inner wrapped too
assert inspect.getsource(mod.decorated).startswith("@deco")
assert mod.gen.__code__.co_filename != "<apex restart>"      # generators are not wrapped

# Restart from inside the call, after editing the function: the new code runs with the
# same argument objects and the caller gets its result.
def swap_and_restart(frame):
    if restart.status()["restarts"]:
        return                   # the restarted call: nothing more to do
    path = os.path.join(WORKSPACE, "mod.py")
    text = open(path).read().replace("return ('old', x, len(log))", "return ('new', x, len(log))")
    open(path, "w").write(text)
    os.utime(path, ns=(2 * 10**18, 2 * 10**18))
    assert reloader.apply().entries["patched"][0]["name"] == "mod.work"
    print("armed", restart.arm(frame))
mod.hook = swap_and_restart
log = []
assert mod.work(7, log) == ("new", 7, 2), log          # `log` was appended twice
assert restart.status()["restarts"] == 1

# A frame of a generator, of module-level code, or one not behind a trampoline: refused.
for frame, reason in ((sys._getframe(), "module-level code"),):
    try:
        restart.arm(frame)
    except restart.Unsupported as exc:
        assert reason in str(exc), exc
    else:
        raise AssertionError("armed module code")

# A traceback through a wrapped function shows one extra line, named for Apex.
try:
    mod.fail()
except ZeroDivisionError:
    text = traceback.format_exc()
assert text.count("<apex restart>") == 1 and "mod.py" in text, text
print("OK")
'''

MOD = '''
import functools
import sys


def deco(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return ("wrapped", fn(*args))
    return wrapper


@deco
def decorated(x):
    return x * 2

hook = None


def every_kind(a, /, b, *rest, c, d=4, **kw):
    return (a, b, rest, c, d, kw)


class Base:
    def who(self):
        return "base"


class Child(Base):
    def who(self):
        return "child of " + super().who()


def make_adder(n):
    def add(x):
        return x + n
    return add


def gen():
    yield 1
    yield 2


def work(x, log):
    log.append(x)
    hook(sys._getframe())
    return ('old', x, len(log))


def fail():
    return 1 / 0
'''


@pytest.mark.parametrize("version", ["3.9", "3.10", "3.11", "3.12", "3.13"])
def test_trampolines_and_restart(version, tmp_path):
    from .conftest import find_python
    python = find_python(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed here")
    (tmp_path / "mod.py").write_text(textwrap.dedent(MOD))
    script = f"ADAPTER = {os.path.abspath(ADAPTER)!r}\nWORKSPACE = {str(tmp_path)!r}\n" + SCRIPT
    out = subprocess.run([python, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip().endswith("OK"), out.stdout + out.stderr
