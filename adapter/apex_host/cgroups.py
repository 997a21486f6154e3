"""A cgroup per isolated run: a memory and a process (pids) limit for the whole tree.

cgroup v2 when a unified hierarchy with the controllers is mounted; else the v1
``memory`` and ``pids`` hierarchies (these machines mount v1). Unavailable (not
root, read-only cgroupfs): ``create`` returns None and the run reports it.
"""
from __future__ import annotations

import os
import secrets
import signal
import time

V2_ROOTS = ("/sys/fs/cgroup", "/sys/fs/cgroup/unified")
V1_ROOT = "/sys/fs/cgroup"


def _write(path: str, value: str) -> None:
    with open(path, "w") as handle:
        handle.write(value)


def _read(path: str) -> str | None:
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return None


class RunCgroup:
    """One cgroup (v2) or a pair (v1 memory + pids) holding the run's processes."""

    def __init__(self, version: int, dirs: dict[str, str]) -> None:
        self.version = version
        self.dirs = dirs            # controller ("memory", "pids", "v2") -> directory

    @property
    def procs_files(self) -> list[str]:
        return [os.path.join(d, "cgroup.procs") for d in self.dirs.values()]

    def join(self, pid: int | None = None) -> None:
        """Move ``pid`` (default: the calling process, e.g. from preexec_fn) in."""
        value = str(pid or os.getpid())
        for path in self.procs_files:
            _write(path, value)

    def pids(self) -> set[int]:
        found: set[int] = set()
        for path in self.procs_files:
            text = _read(path) or ""
            found.update(int(p) for p in text.split())
        return found

    def stats(self) -> dict:
        if self.version == 2:
            d = self.dirs["v2"]
            events = dict(line.split() for line in (_read(os.path.join(d, "memory.events"))
                                                    or "").splitlines() if " " in line)
            pids_events = dict(line.split() for line in (_read(os.path.join(d, "pids.events"))
                                                         or "").splitlines() if " " in line)
            return {"memoryPeak": _int(_read(os.path.join(d, "memory.peak"))),
                    "memoryLimitHits": _int(events.get("max")),
                    "oomKills": _int(events.get("oom_kill")),
                    "pidsLimitHits": _int(pids_events.get("max"))}
        mem, pids = self.dirs.get("memory"), self.dirs.get("pids")
        pids_events = dict(line.split() for line in (_read(os.path.join(pids, "pids.events"))
                                                     or "").splitlines() if " " in line) \
            if pids else {}
        oom = dict(line.split() for line in (_read(os.path.join(mem, "memory.oom_control"))
                                             or "").splitlines() if " " in line) if mem else {}
        return {"memoryPeak": _int(_read(os.path.join(mem, "memory.max_usage_in_bytes")))
                if mem else None,
                "memoryLimitHits": _int(_read(os.path.join(mem, "memory.failcnt")))
                if mem else None,
                "oomKills": _int(oom.get("oom_kill")),
                "pidsLimitHits": _int(pids_events.get("max"))}

    def kill_all(self) -> None:
        if self.version == 2 and os.path.exists(os.path.join(self.dirs["v2"], "cgroup.kill")):
            try:
                _write(os.path.join(self.dirs["v2"], "cgroup.kill"), "1")
                return
            except OSError:
                pass
        for _ in range(20):          # processes may fork while we kill: repeat
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        self.kill_all()
        deadline = time.monotonic() + 2
        for d in self.dirs.values():
            while True:
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.02)


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _v2_root() -> str | None:
    for root in V2_ROOTS:
        controllers = (_read(os.path.join(root, "cgroup.controllers")) or "").split()
        if {"memory", "pids"} <= set(controllers):
            return root
    return None


def sweep_stale() -> None:
    """Remove empty cgroups left by runs whose `apex` process was killed outright."""
    parents = [os.path.join(V1_ROOT, c) for c in ("memory", "pids")] + list(V2_ROOTS)
    for parent in parents:
        try:
            names = [n for n in os.listdir(parent) if n.startswith("apex-run-")]
        except OSError:
            continue
        for name in names:
            owner = name.split("-")[2]
            if owner.isdigit() and os.path.exists(f"/proc/{owner}"):
                continue
            try:
                os.rmdir(os.path.join(parent, name))      # fails (EBUSY) if not empty
            except OSError:
                pass


def create(memory: int | None, tasks: int | None) -> tuple[RunCgroup | None, str]:
    """A fresh cgroup with the limits set; (None, why) when cgroups are not usable."""
    sweep_stale()
    name = f"apex-run-{os.getpid()}-{secrets.token_hex(3)}"
    root = _v2_root()
    try:
        if root is not None:
            d = os.path.join(root, name)
            os.mkdir(d)
            group = RunCgroup(2, {"v2": d})
            if memory:
                _write(os.path.join(d, "memory.max"), str(memory))
                if os.path.exists(os.path.join(d, "memory.swap.max")):
                    _write(os.path.join(d, "memory.swap.max"), "0")
            if tasks:
                _write(os.path.join(d, "pids.max"), str(tasks))
            return group, ""
        dirs = {}
        for controller in ("memory", "pids"):
            base = os.path.join(V1_ROOT, controller)
            if not os.path.isdir(base):
                raise OSError(f"no {controller} cgroup hierarchy")
            d = os.path.join(base, name)
            os.mkdir(d)
            dirs[controller] = d
        group = RunCgroup(1, dirs)
        if memory:
            _write(os.path.join(dirs["memory"], "memory.limit_in_bytes"), str(memory))
            swap = os.path.join(dirs["memory"], "memory.memsw.limit_in_bytes")
            if os.path.exists(swap):
                _write(swap, str(memory))
        if tasks:
            _write(os.path.join(dirs["pids"], "pids.max"), str(tasks))
        return group, ""
    except OSError as exc:
        try:
            if root is None:
                RunCgroup(1, {k: v for k, v in locals().get("dirs", {}).items()}).remove()
        except Exception:
            pass
        return None, f"cgroups unavailable ({exc.strerror or exc})"
