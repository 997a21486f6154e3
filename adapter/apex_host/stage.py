"""Size-limited, persistent write directories for an isolated run.

Run (by the sandbox) inside ``unshare --mount --propagation private`` as root::

    python stage.py '<spec json>' bwrap ...

It mounts one tmpfs of ``size`` bytes (the policy's ``disk`` limit) in this private
mount namespace, copies each allowed write directory into it, runs the sandbox
command (which binds those copies over the real directories), and on exit copies the
results back, so writes persist but can never exceed the limit on the real disk.
The mount vanishes with the namespace, even if we are killed.
"""
from __future__ import annotations

import ctypes
import filecmp
import json
import os
import shutil
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def die_with_parent() -> None:
    _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def mount_tmpfs(path: str, size: int) -> None:
    libc = _libc()
    if libc.mount(b"apex-write", path.encode(), b"tmpfs", 0,
                  f"size={int(size)},mode=0755".encode()) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount tmpfs on {path}: {os.strerror(err)}")


def _excluded(real: str, exclude) -> list[str]:
    """The excluded directories inside ``real``, relative to it."""
    out = []
    for path in exclude:
        rel = os.path.relpath(path, os.path.realpath(real))
        if rel != os.curdir and not rel.startswith(os.pardir):
            out.append(rel)
    return out


def _under(rel: str, excluded) -> bool:
    return any(rel == e or rel.startswith(e + os.sep) for e in excluded)


def _ignoring(real: str, exclude):
    """A ``copytree`` ignore function that skips the excluded directories."""
    skip = {os.path.join(real, rel) for rel in _excluded(real, exclude)}
    return lambda directory, names: [n for n in names if os.path.join(directory, n) in skip]


def sync_back(stage: str, real: str, exclude=()) -> None:
    """Make ``real`` match ``stage``: copy new and changed files, delete removed ones.
    ``exclude``: directories left as they are (the host writes them during the run)."""
    excluded = _excluded(real, exclude)
    for root, dirs, files in os.walk(real, topdown=False):
        rel = os.path.relpath(root, real)
        for name in files + dirs:
            if _under(os.path.normpath(os.path.join(rel, name)), excluded):
                continue
            if not os.path.lexists(os.path.join(stage, rel, name)):
                path = os.path.join(root, name)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.unlink(path)
    for root, dirs, files in os.walk(stage):
        rel = os.path.relpath(root, stage)
        dirs[:] = [d for d in dirs if not _under(os.path.normpath(os.path.join(rel, d)),
                                                 excluded)]
        target_dir = os.path.join(real, rel)
        os.makedirs(target_dir, exist_ok=True)
        for name in files:
            src, dst = os.path.join(root, name), os.path.join(target_dir, name)
            if os.path.islink(src):
                if os.path.lexists(dst):
                    os.unlink(dst)
                os.symlink(os.readlink(src), dst)
            elif not os.path.exists(dst) or not filecmp.cmp(src, dst, shallow=False):
                shutil.copy2(src, dst)


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    command = argv[2:]
    die_with_parent()
    mount_tmpfs(spec["stage"], spec["size"])
    exclude = spec.get("exclude") or ()    # the audit key's directory: never copied
    for real, stage in spec["dirs"]:
        os.makedirs(stage, exist_ok=True)
        if os.path.isdir(real):
            shutil.copytree(real, stage, symlinks=True, dirs_exist_ok=True,
                            ignore=_ignoring(real, exclude))
    child = subprocess.Popen(command, preexec_fn=die_with_parent)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: child.send_signal(signum))
    code = child.wait()
    for real, stage in spec["dirs"]:
        try:
            sync_back(stage, real, exclude)
        except OSError as exc:
            sys.stderr.write(f"apex run: could not copy {stage} back to {real}: {exc}\n")
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
