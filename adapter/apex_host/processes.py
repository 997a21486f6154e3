"""Python processes on this machine, for `apex ps` and editors' process pickers."""
from __future__ import annotations

import os
import re

import psutil

from apex_harness.marker import PREFIX

_PYTHON_NAME = re.compile(r"^(?:python|pypy)(\d+(?:\.\d+)?)?[a-z]?$")
_VERSION_IN_PATH = re.compile(r"(?:versions|Python-?)/?(\d+\.\d+\.\d+)")
_SHORT_VERSION = re.compile(r"python(\d+\.\d+)")


def harness_pids(path: str = "/proc/net/unix") -> set[int]:
    """Pids whose harness announced itself with an abstract socket (see marker.py)."""
    found = set()
    try:
        with open(path) as handle:
            for line in handle:
                name = line.rsplit(None, 1)[-1] if line.count(" ") >= 7 else ""
                if name.startswith("@" + PREFIX):
                    pid = name[len(PREFIX) + 1:]
                    if pid.isdigit():
                        found.add(int(pid))
    except OSError:
        pass
    return found


def interpreter_version(exe: str | None, pid: int | None = None) -> str | None:
    """Best effort without running anything: the resolved path, then the mapped libpython."""
    if not exe:
        return None
    real = os.path.realpath(exe)
    for text in (real, exe):
        match = _VERSION_IN_PATH.search(text)
        if match:
            return match.group(1)
    if pid is not None:
        try:
            with open(f"/proc/{pid}/maps") as handle:
                for line in handle:
                    match = re.search(r"libpython(\d+\.\d+)", line)
                    if match:
                        return match.group(1)
        except OSError:
            pass
    match = _SHORT_VERSION.search(os.path.basename(real))
    return match.group(1) if match else None


def is_python(name: str | None, exe: str | None) -> bool:
    for candidate in (name, os.path.basename(exe or ""), os.path.basename(
            os.path.realpath(exe)) if exe else None):
        if candidate and _PYTHON_NAME.match(candidate):
            return True
    return False


def list_python_processes() -> list[dict]:
    with_harness = harness_pids()
    me = os.getpid()
    out = []
    for proc in psutil.process_iter(["pid", "name", "exe", "cmdline", "username",
                                     "create_time"]):
        info = proc.info
        if info["pid"] == me or not is_python(info["name"], info["exe"]):
            continue
        out.append({
            "pid": info["pid"],
            "python": interpreter_version(info["exe"], info["pid"]),
            "executable": info["exe"],
            "cmdline": info["cmdline"] or [],
            "user": info["username"],
            "started": info["create_time"],
            "harness": info["pid"] in with_harness,
        })
    return sorted(out, key=lambda p: p["pid"])
