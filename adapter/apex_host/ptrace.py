"""Can this process ptrace that one? Say why not, and how to fix it."""
from __future__ import annotations

import os

CAP_SYS_PTRACE = 19
YAMA = "/proc/sys/kernel/yama/ptrace_scope"


def _caps(field: str, pid: str = "self") -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1], 16)
    except OSError:
        pass
    return 0


def ptrace_scope() -> int | None:
    try:
        with open(YAMA) as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None          # no Yama: classic rules (same uid, or CAP_SYS_PTRACE)


def problem(pid: int) -> str | None:
    """None when attaching should be allowed; else a sentence with the fix."""
    try:
        target_uid = os.stat(f"/proc/{pid}").st_uid
    except FileNotFoundError:
        return f"there is no process {pid}"
    return explain(scope=ptrace_scope(), has_cap=bool(_caps("CapEff") >> CAP_SYS_PTRACE & 1),
                   cap_possible=bool(_caps("CapBnd") >> CAP_SYS_PTRACE & 1),
                   same_user=target_uid == os.geteuid(), pid=pid, target_uid=target_uid)


def explain(*, scope: int | None, has_cap: bool, cap_possible: bool, same_user: bool,
            pid: int, target_uid: int | None = None) -> str | None:
    if scope == 3:
        return ("ptrace is disabled on this machine (kernel.yama.ptrace_scope = 3) until the "
                "next reboot; attaching is impossible. Start the program with `apex run` or "
                "call apex_harness.listen() in it instead.")
    if has_cap:
        return None
    container_hint = "" if cap_possible else (
        " This process cannot gain CAP_SYS_PTRACE at all (a container without it): restart "
        "the container with `--cap-add=SYS_PTRACE` (docker/podman).")
    if not same_user:
        return (f"process {pid} belongs to uid {target_uid}; attaching needs the same user or "
                "CAP_SYS_PTRACE (run apex as that user or with sudo)." + container_hint)
    if scope == 2:
        return ("kernel.yama.ptrace_scope = 2 allows only CAP_SYS_PTRACE holders to attach: "
                "run with sudo, or `sudo sysctl kernel.yama.ptrace_scope=1`." + container_hint)
    if scope == 1:
        return ("kernel.yama.ptrace_scope = 1 only lets a process trace its own descendants: "
                "`sudo sysctl kernel.yama.ptrace_scope=0` (or run apex with sudo), or launch "
                "the program with `apex run`." + container_hint)
    return None
