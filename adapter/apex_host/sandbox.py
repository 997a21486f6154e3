"""The OS boundary for ``apex run --mode isolation``.

Layers (each reported; any missing one makes the level ``partial: <missing>``):

* ``namespaces``: bubblewrap with its own PID, IPC and UTS namespaces, a read-only
  view of the whole file system, a private size-limited ``/tmp``, a minimal ``/dev``,
  all capabilities dropped, ``--die-with-parent``. The user's apex state directory
  (the audit key and head anchors) is covered by an empty read-only tmpfs: the host
  writes the run's audit log, and the program must not read the key that signs it.
* ``network``: its own (empty) network namespace unless the policy allows network.
* ``write-dirs``: the policy's allowed write directories on one tmpfs of the
  ``disk`` limit, copied back at the end (``stage.py``; needs root + ``unshare``).
* ``rlimits``: soft = hard, set before the sandbox starts (inherited, cannot be raised).
* ``cgroup``: memory and task limits for the whole tree.
* ``watchdog``: the parent kills the whole tree on wall time or a limit (runner.py).
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import sys
from dataclasses import dataclass, field

from . import cgroups

#: policy limit -> rlimits it sets (soft = hard).
RLIMITS = {
    "memory": ("RLIMIT_AS", "RLIMIT_DATA"),
    "cpu": ("RLIMIT_CPU",),
    "open_files": ("RLIMIT_NOFILE",),
    "file_size": ("RLIMIT_FSIZE",),
    "processes": ("RLIMIT_NPROC",),
}

#: Tasks the sandbox itself uses (bwrap, its init, the harness's two threads).
SANDBOX_TASKS = 6


def rlimits_for(limits: dict) -> dict[str, int]:
    out = {}
    for name, rlimit_names in RLIMITS.items():
        value = limits.get(name)
        if value is None:
            continue
        value = int(value if name != "cpu" else max(1, round(value)))
        for rlimit in rlimit_names:
            out[rlimit] = value
    return out


def apply_rlimits(values: dict[str, int]) -> None:
    for name, value in values.items():
        resource.setrlimit(getattr(resource, name), (value, value))


@dataclass
class SandboxPlan:
    wrap: list[str] = field(default_factory=list)      # prefix for the target command
    layers: dict[str, str] = field(default_factory=dict)  # layer -> "ok" | why missing
    rlimits: dict[str, int] = field(default_factory=dict)
    cgroup: cgroups.RunCgroup | None = None
    write_dirs: list[str] = field(default_factory=list)
    network: bool = False
    via: str = "bubblewrap"

    @property
    def missing(self) -> list[str]:
        return [f"{name} ({why})" for name, why in self.layers.items() if why != "ok"]

    @property
    def level(self) -> str:
        if not self.wrap and self.layers.get("namespaces") != "ok":
            return "none" if self.layers.get("rlimits") != "ok" else \
                "partial: " + ", ".join(self.missing)
        return "full" if not self.missing else "partial: " + ", ".join(self.missing)

    def preexec(self) -> None:
        """In the child before exec: die with apex, join the cgroup, fix the rlimits."""
        from .stage import die_with_parent

        die_with_parent()
        if self.cgroup is not None:
            self.cgroup.join()
        apply_rlimits(self.rlimits)

    def release(self) -> None:
        if self.cgroup is not None:
            self.cgroup.remove()


def _magic_free_prefix(pattern: str) -> str:
    parts = []
    for part in pattern.replace(os.sep, "/").split("/"):
        if any(ch in part for ch in "*?["):
            break
        parts.append(part)
    return "/".join(parts) or "."


def write_dirs_for(runtime: dict) -> list[str]:
    """Real directories the program may write: the filesystem_write allow scopes."""
    root = runtime.get("root") or os.getcwd()
    rule = (runtime.get("capabilities") or {}).get("filesystem_write") or {}
    if rule.get("action") == "allow":
        return [os.path.abspath(root)]
    dirs = []
    for scope in rule.get("allow") or ():
        path = os.path.expanduser(_magic_free_prefix(scope))
        path = os.path.normpath(path if os.path.isabs(path) else os.path.join(root, path))
        if path not in dirs:
            dirs.append(path)
    return dirs


def network_allowed(runtime: dict) -> bool:
    rule = (runtime.get("capabilities") or {}).get("network") or {}
    return rule.get("action", "deny") != "deny"


def hidden_paths() -> list[str]:
    """Directories the program must not see: the apex state directory (audit key and
    anchors) the host signs with, and the default one, when that is another.

    The host's is created now (0700) if missing: the host may make the key during the
    run, and a directory that appears after the sandbox started would be visible."""
    from apex_policy.audit_anchor import state_dir

    out = []
    for index, path in enumerate((state_dir(), state_dir({}))):
        if index == 0:
            try:
                os.makedirs(path, mode=0o700, exist_ok=True)
            except OSError:
                pass                 # no state directory, so no key to hide
        real = os.path.realpath(path)
        if os.path.isdir(real) and real not in out:
            out.append(real)
    return out


def _hide_args(paths) -> list[str]:
    """bwrap arguments putting an empty read-only tmpfs over each path."""
    args = []
    for path in paths:
        args += ["--size", "4096", "--perms", "0700", "--tmpfs", path, "--remount-ro", path]
    return args


def find_bwrap() -> str | None:
    return shutil.which("bwrap")


def runtime_paths(python: str | None = None) -> tuple[str, ...]:
    """What the program needs to start: its interpreter and the harness's code.

    A virtual environment or checkout under /tmp would otherwise vanish behind the
    private /tmp (CI clones land there)."""
    import apex_harness
    import apex_policy
    python = python or sys.executable
    paths = [os.path.dirname(os.path.abspath(python)),
             os.path.dirname(os.path.realpath(python)), sys.prefix, sys.base_prefix]
    for package in (apex_harness, apex_policy):
        paths.append(os.path.dirname(os.path.dirname(os.path.abspath(package.__file__))))
    return tuple(paths)


def _visible_under_tmp(paths) -> list[str]:
    """Paths under /tmp the program must still see once /tmp is private (read-only)."""
    out = []
    for path in paths:
        path = os.path.realpath(path)
        if (path == "/tmp" or path.startswith("/tmp/")) and path not in out:
            out.append(path)
    # Parents first so a child bind is not hidden by its parent's.
    return sorted(out, key=len)


def plan(runtime: dict, *, cwd: str, socket_dir: str, stage_root: str,
         read_paths: tuple[str, ...] = (), python: str | None = None) -> SandboxPlan:
    """Work out which layers this machine can give and the command prefix for them."""
    read_paths = tuple(read_paths) + runtime_paths(python)
    limits = runtime.get("limits") or {}
    result = SandboxPlan(rlimits=rlimits_for(limits), network=network_allowed(runtime))
    result.layers["rlimits"] = "ok"
    memory = limits.get("memory")
    tasks = None
    if limits.get("processes") is not None or limits.get("threads") is not None:
        tasks = int(limits.get("processes") or 0) + int(limits.get("threads") or 0) \
            + SANDBOX_TASKS
    result.cgroup, why = cgroups.create(memory, tasks) if (memory or tasks) else (None, "")
    result.layers["cgroup"] = "ok" if result.cgroup is not None or not (memory or tasks) \
        else why
    result.layers["watchdog"] = "ok"

    bwrap = find_bwrap()
    if bwrap is None:
        if os.geteuid() == 0 and shutil.which("unshare") and shutil.which("setpriv"):
            return _plan_unshare(result, runtime, limits, cwd=cwd, socket_dir=socket_dir,
                                 stage_root=stage_root, read_paths=read_paths)
        result.layers["namespaces"] = ("bubblewrap is not installed (apt-get install "
                                       "bubblewrap), and the unshare fallback needs root")
        result.layers["network"] = "no network namespace without bubblewrap"
        result.layers["write-dirs"] = "no read-only view without bubblewrap"
        return result
    result.layers["namespaces"] = "ok"
    result.layers["network"] = "ok"
    disk = int(limits.get("disk") or 256 * 1024 ** 2)
    args = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try"]
    if not result.network:
        args.append("--unshare-net")
    args += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
             "--size", str(disk), "--tmpfs", "/tmp"]
    for path in _visible_under_tmp((cwd, runtime.get("root") or cwd, *read_paths)):
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    args += ["--bind", socket_dir, socket_dir]
    result.write_dirs = write_dirs_for(runtime)
    staged = []
    unshare = shutil.which("unshare")
    if result.write_dirs and os.geteuid() == 0 and unshare:
        for index, real in enumerate(result.write_dirs):
            os.makedirs(real, exist_ok=True)
            stage = os.path.join(stage_root, str(index))
            staged.append((real, stage))
            args += ["--bind", stage, real]
        result.layers["write-dirs"] = "ok"
    elif result.write_dirs:
        # Without root we cannot stage: writes go to a size-limited tmpfs and are lost.
        for real in result.write_dirs:
            args += ["--size", str(disk), "--tmpfs", real]
        result.layers["write-dirs"] = "not persisted (staging needs root and unshare)"
    else:
        result.layers["write-dirs"] = "ok"
    hidden = hidden_paths()
    # After the write dirs: a state directory inside one is covered too.
    args += _hide_args(hidden)
    args += ["--cap-drop", "ALL", "--chdir", cwd, "--"]
    result.wrap = (_stage_prefix(unshare, stage_root, disk, staged, hidden) if staged
                   else []) + args
    return result


def _stage_prefix(unshare: str, stage_root: str, disk: int, staged, hidden) -> list[str]:
    spec = json.dumps({"stage": stage_root, "size": disk, "dirs": staged, "exclude": hidden})
    stage_script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stage.py")
    return [unshare, "--mount", "--propagation", "private", "--",
            sys.executable, "-I", "-S", stage_script, spec]


def _plan_unshare(result: SandboxPlan, runtime: dict, limits: dict, *, cwd: str,
                  socket_dir: str, stage_root: str, read_paths) -> SandboxPlan:
    """No bubblewrap, but root: util-linux unshare + our own init (unshare_init.py)."""
    unshare = shutil.which("unshare")
    disk = int(limits.get("disk") or 256 * 1024 ** 2)
    result.write_dirs = write_dirs_for(runtime)
    staged = []
    for index, real in enumerate(result.write_dirs):
        os.makedirs(real, exist_ok=True)
        staged.append((real, os.path.join(stage_root, str(index))))
    visible = _visible_under_tmp((cwd, runtime.get("root") or cwd, *read_paths)) + \
        [os.path.realpath(socket_dir)]
    hidden = hidden_paths()
    spec = json.dumps({"visible": visible, "rw": [os.path.realpath(socket_dir)],
                       "writable": staged, "hidden": hidden, "tmp_size": disk, "cwd": cwd,
                       "setpriv": os.path.realpath(shutil.which("setpriv"))})
    init = os.path.join(os.path.dirname(os.path.abspath(__file__)), "unshare_init.py")
    inner = [unshare, "--pid", "--fork", "--kill-child", "--mount-proc", "--ipc", "--uts",
             "--propagation", "private"]
    if not result.network:
        inner.append("--net")
    inner += ["--", sys.executable, "-I", "-S", init, spec]
    result.wrap = (_stage_prefix(unshare, stage_root, disk, staged, hidden) if staged
                   else []) + inner
    result.layers.update({"namespaces": "ok", "network": "ok", "write-dirs": "ok"})
    result.via = "unshare"
    return result