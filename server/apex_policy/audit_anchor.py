"""What anchors an audit log outside its own file: a per-user key and a head anchor.

Standard library only and Python 3.9+ (the harness writes audit logs from inside
the target). Both live in the user's state directory, ``$XDG_STATE_HOME/apex``
(default ``~/.local/state/apex``), created 0700 on first use:

* ``audit.key``: 32 random bytes (hex), 0600. Each record of a format-2 log carries
  ``mac`` = HMAC-SHA256(key, record hash), and its header an HMAC of itself, so a
  record or a whole log written without the key is told apart from a real one.
* ``anchors/<sha256 of the log's real path>.json``: the log's nonce and its last
  ``seq`` and ``hash``, HMAC'd with the key and replaced atomically after every
  append. A log that ends before its anchor was cut; a log whose nonce or record
  at the anchored ``seq`` differs was replaced or rewritten.

None of this stops someone holding the user's key (the user, or code running as
the user that reads the state directory): it makes tampering by anyone who can
write the log but not the state directory evident.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from typing import Any, Dict, Mapping, Optional

KEY_FILE = "audit.key"
ANCHOR_DIR = "anchors"
ANCHOR_VERSION = 1


def state_dir(environ: Optional[Mapping[str, str]] = None) -> str:
    """``$XDG_STATE_HOME/apex``, else ``~/.local/state/apex`` (XDG base directories)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_STATE_HOME") or ""
    if not os.path.isabs(base):  # the spec says relative values are to be ignored
        base = os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "apex")


def canonical(obj: Dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


def key_id(key: bytes) -> str:
    """A public fingerprint of the key, stored in the log header."""
    return hashlib.sha256(b"apex-audit-key\0" + key).hexdigest()[:16]


def mac(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def mac_matches(key: bytes, data: bytes, expected: Any) -> bool:
    return isinstance(expected, str) and hmac.compare_digest(mac(key, data), expected)


def signed_body(obj: Dict[str, Any]) -> bytes:
    """What a header's or anchor's ``mac`` covers: everything but ``mac`` itself."""
    return canonical({k: v for k, v in obj.items() if k != "mac"})


class AnchorStore:
    """The key and the head anchors in one state directory."""

    def __init__(self, directory: Optional[str] = None) -> None:
        self.directory = os.path.abspath(directory or state_dir())

    @property
    def key_path(self) -> str:
        return os.path.join(self.directory, KEY_FILE)

    def key(self, create: bool = False) -> Optional[bytes]:
        """The user's key; with ``create``, made on first use. None when absent or
        unreadable (the log is then written or verified without it)."""
        try:
            with open(self.key_path, "rb") as handle:
                return _parse_key(handle.read())
        except FileNotFoundError:
            if not create:
                return None
        except OSError:
            return None
        return self._create_key()

    def _create_key(self) -> Optional[bytes]:
        # Written in full under a temporary name, then linked into place: a concurrent
        # first use never reads a half-written key, and the first link wins.
        temporary = "%s.%d.%s.tmp" % (self.key_path, os.getpid(), secrets.token_hex(4))
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL |
                         getattr(os, "O_CLOEXEC", 0), 0o600)
            try:
                os.write(fd, secrets.token_hex(32).encode("ascii") + b"\n")
            finally:
                os.close(fd)
            try:
                os.link(temporary, self.key_path)
            except FileExistsError:  # another process made it first: use theirs
                pass
        except OSError:
            return None
        finally:
            try:
                os.unlink(temporary)
            except OSError:
                pass
        return self.key(create=False)

    def key_exposed(self) -> bool:
        """Can users other than the owner read the key file?"""
        try:
            return bool(os.stat(self.key_path).st_mode & 0o077)
        except OSError:
            return False

    def anchor_path(self, log_path: str) -> str:
        name = hashlib.sha256(os.fsencode(os.path.realpath(log_path))).hexdigest()[:32]
        return os.path.join(self.directory, ANCHOR_DIR, name + ".json")

    def read_anchor(self, log_path: str) -> Optional[Dict[str, Any]]:
        """The anchor for this log path, or None. An unreadable anchor comes back as
        ``{"damaged": True}`` so that verify reports it rather than ignoring it."""
        try:
            with open(self.anchor_path(log_path), "rb") as handle:
                data = json.loads(handle.read())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {"damaged": True}
        return data if isinstance(data, dict) else {"damaged": True}

    def write_anchor(self, log_path: str, key: bytes, header: Dict[str, Any],
                     seq: int, head: str, updated: str) -> None:
        anchor = {"apex_anchor": ANCHOR_VERSION, "log": os.path.realpath(log_path),
                  "nonce": header.get("nonce"), "created": header.get("created"),
                  "key_id": key_id(key), "seq": seq, "hash": head, "updated": updated}
        anchor["mac"] = mac(key, signed_body(anchor))
        path = self.anchor_path(log_path)
        directory = os.path.dirname(path)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        temporary = "%s.%d.%s.tmp" % (path, os.getpid(), secrets.token_hex(4))
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL |
                     getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            os.write(fd, canonical(anchor) + b"\n")
        finally:
            os.close(fd)
        try:
            os.replace(temporary, path)  # atomic: a reader sees the old or the new anchor
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise


def _parse_key(data: bytes) -> Optional[bytes]:
    try:
        key = bytes.fromhex(data.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return None
    return key if len(key) >= 16 else None
