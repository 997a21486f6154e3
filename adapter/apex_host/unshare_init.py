"""The sandbox's init when bubblewrap is missing (root + util-linux ``unshare``).

Run as pid 1 of ``unshare --pid --fork --kill-child --mount-proc --ipc --uts [--net]``,
as root (standard library only, ``-I -S``)::

    python unshare_init.py '<spec json>' target-command...

It builds roughly what bubblewrap would: every mount read-only, a private
size-limited ``/tmp`` (the directories the program needs from the old ``/tmp``
bound back in), the allowed write directories bound writable from their staged
copies, an empty read-only tmpfs over each hidden directory (the audit
key's), then runs the program with an empty capability bounding set and
``no_new_privs`` (``setpriv``), forwards signals to it and exits with its status.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC = 32, 4096, 16384
_FLAG_NAMES = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC}

_libc = ctypes.CDLL(None, use_errno=True)


def mount(source, target, fstype, flags, data=None) -> None:
    enc = lambda v: v.encode() if isinstance(v, str) else v  # noqa: E731
    if _libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def mount_points():
    """(mount point, per-mount flags) of every mount, parents first."""
    out = []
    with open("/proc/self/mountinfo") as handle:
        for line in handle:
            fields = line.split()
            point = fields[4].encode().decode("unicode_escape")
            flags = 0
            for option in fields[5].split(","):
                flags |= _FLAG_NAMES.get(option, 0)
            out.append((point, flags))
    return sorted(out, key=lambda item: item[0].count("/"))


def read_only_everything() -> None:
    for point, flags in mount_points():
        if point.startswith("/proc"):
            continue                      # our own fresh /proc (--mount-proc)
        try:
            mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
        except OSError:
            pass                          # e.g. a mount that vanished meanwhile


def main(argv) -> int:
    spec = json.loads(argv[1])
    command = argv[2:]
    # Hold the directories we will need once /tmp is replaced.
    keep = {path: os.open(path, os.O_RDONLY | os.O_DIRECTORY)
            for path in spec["visible"] + [stage for _, stage in spec["writable"]]
            if os.path.isdir(path)}
    read_only_everything()
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
          "size=%d,mode=1777" % spec["tmp_size"])
    for path in spec["visible"]:
        if path in keep and (path == "/tmp" or path.startswith("/tmp/")):
            os.makedirs(path, exist_ok=True)
            mount("/proc/self/fd/%d" % keep[path], path, None, MS_BIND)
            # A bind copies the source mount's (now read-only) flags: set them as wanted.
            mount(None, path, None, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV
                  | (0 if path in spec["rw"] else MS_RDONLY))
    for real, stage in spec["writable"]:
        mount("/proc/self/fd/%d" % keep[stage], real, None, MS_BIND)
        mount(None, real, None, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV)
    for path in spec.get("hidden", ()):   # after the write dirs, which may hold one
        if os.path.isdir(path):           # else it is under the old /tmp: gone already
            mount("apex-hidden", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  "size=4096,mode=0700")
    for fd in keep.values():
        os.close(fd)
    os.chdir(spec["cwd"])
    drop = [spec["setpriv"], "--bounding-set", "-all", "--inh-caps", "-all", "--no-new-privs", "--"]
    child = subprocess.Popen(drop + command)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: child.send_signal(signum))
    code = child.wait()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
