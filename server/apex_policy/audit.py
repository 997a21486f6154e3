"""The append-only, hash-chained audit log.

Standard library only and Python 3.9+: the harness writes to it from inside
the target. Format (JSON lines, UTF-8):

* line 1, the header: ``{"apex_audit": 1, "nonce": <random hex>, "created": <ts>,
  "hash": <sha256>}``;
* then one record per line: ``{"seq", "ts", "actor", "pid", "mode", "operation",
  "target", "outcome", "details", "prev", "hash"}``.

``hash`` is the SHA-256 of the record's canonical JSON (sorted keys, no
spaces) without its ``hash`` member; ``prev`` is the previous line's
``hash``, so the first record is anchored to the header and its random
nonce. Editing, removing, reordering or inserting a record breaks the chain
at that record, which :func:`verify` reports.

Writers from several processes take an exclusive ``flock`` on the file, read
the last record's hash under the lock, and append the new line with a single
``write`` on an ``O_APPEND`` descriptor, so lines never interleave and the
chain continues across processes.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; single-writer only
    fcntl = None  # type: ignore[assignment]

FORMAT_VERSION = 1
_CHUNK = 8192


def _canonical(obj: Dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


def record_hash(record: Dict[str, Any]) -> str:
    """The SHA-256 of a record (or header) without its ``hash`` member."""
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(_canonical(body)).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _default_actor() -> str:
    try:
        import getpass
        return getpass.getuser()
    except Exception:  # no login name (containers, odd environments)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


class AuditLog:
    """Appends records to one audit log file. Safe to share across processes."""

    def __init__(self, path: str, *, actor: Optional[str] = None,
                 mode: Optional[str] = None) -> None:
        self.path = os.path.abspath(path)
        self.actor = actor or _default_actor()
        self.mode = mode

    def append(self, operation: str, *, outcome: str, target: Any = None,
               details: Optional[Dict[str, Any]] = None, mode: Optional[str] = None,
               actor: Optional[str] = None) -> Dict[str, Any]:
        """Write one record and return it (with its ``seq`` and ``hash``)."""
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            last, complete = _last_line(self.path)
            out = b"" if complete else b"\n"  # never glue onto a torn line
            if last is None:
                header = {"apex_audit": FORMAT_VERSION, "nonce": secrets.token_hex(16),
                          "created": _now()}
                header["hash"] = record_hash(header)
                out += _canonical(header) + b"\n"
                prev, seq = header["hash"], 0
            else:
                prev, seq = _chain_state(last)
            record = {
                "seq": seq + 1,
                "ts": _now(),
                "actor": actor or self.actor,
                "pid": os.getpid(),
                "mode": mode or self.mode,
                "operation": operation,
                "target": target,
                "outcome": outcome,
                "details": details or {},
                "prev": prev,
            }
            record["hash"] = record_hash(record)
            out += _canonical(record) + b"\n"
            _write_all(fd, out)
            return record
        finally:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                except OSError:
                    pass
            os.close(fd)


    def write(self, record: Dict[str, Any]) -> Dict[str, Any]:
        """Append a free-form record: ``operation`` (or ``event``), ``outcome``,
        ``target``, ``mode`` and ``actor`` are taken from it, everything else goes
        into ``details``."""
        fields = dict(record)
        operation = fields.pop("operation", None) or fields.pop("event", None) or "event"
        outcome = fields.pop("outcome", None) or "recorded"
        target = fields.pop("target", None)
        mode = fields.pop("mode", None)
        actor = fields.pop("actor", None)
        details = fields.pop("details", None)
        if isinstance(details, dict):
            fields.update(details)
        elif details is not None:
            fields["details"] = details
        return self.append(str(operation), outcome=str(outcome), target=target,
                           details=fields, mode=mode, actor=actor)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _last_line(path: str) -> Tuple[Optional[bytes], bool]:
    """The last non-empty line and whether the file ends with a newline."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return None, True
        data = b""
        position = size
        while position > 0:
            step = min(_CHUNK, position)
            position -= step
            handle.seek(position)
            data = handle.read(step) + data
            stripped = data.rstrip(b"\n")
            if b"\n" in stripped or position == 0:
                break
        complete = data.endswith(b"\n")
        stripped = data.rstrip(b"\n")
        if not stripped:
            return None, complete
        return stripped.rsplit(b"\n", 1)[-1], complete


def _chain_state(line: bytes) -> Tuple[str, int]:
    try:
        record = json.loads(line)
        return str(record["hash"]), int(record.get("seq", 0))
    except (ValueError, KeyError, TypeError):
        # A damaged last line: chain onto its bytes; verify() reports the damage.
        return hashlib.sha256(line).hexdigest(), 0


class VerifyResult:
    """The outcome of :func:`verify`: ``ok``, or the first broken line and why."""

    __slots__ = ("ok", "records", "line", "reason", "record")

    def __init__(self, ok: bool, records: int, line: Optional[int] = None,
                 reason: str = "", record: Optional[Dict[str, Any]] = None) -> None:
        self.ok = ok
        self.records = records
        self.line = line
        self.reason = reason
        self.record = record

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        if self.ok:
            return f"VerifyResult(ok, records={self.records})"
        return f"VerifyResult(broken at line {self.line}: {self.reason})"


def verify(path: str) -> VerifyResult:
    """Check the header and every record's hash and chain link."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return VerifyResult(False, 0, None, f"cannot read {path}: {exc.strerror or exc}")
    if not data:
        return VerifyResult(False, 0, 1, "empty file: no header")
    lines: List[bytes] = data.split(b"\n")
    torn = lines[-1] != b""
    if not torn:
        lines.pop()
    try:
        header = json.loads(lines[0])
        if not isinstance(header, dict) or header.get("apex_audit") != FORMAT_VERSION:
            raise ValueError
    except ValueError:
        return VerifyResult(False, 0, 1, "line 1 is not an Apex audit log header")
    if header.get("hash") != record_hash(header) or not header.get("nonce"):
        return VerifyResult(False, 0, 1, "the header was modified", header)
    prev, seq = header["hash"], 0
    for number, raw in enumerate(lines[1:], start=2):
        if number == len(lines) and torn:
            return VerifyResult(False, seq, number, "the last record is incomplete "
                                                    "(the log was truncated)")
        try:
            record = json.loads(raw)
            if not isinstance(record, dict):
                raise ValueError
        except ValueError:
            return VerifyResult(False, seq, number, "not a JSON record (the line was cut, "
                                                    "joined or edited)")
        if record.get("hash") != record_hash(record):
            return VerifyResult(False, seq, number, f"record {record.get('seq')} was modified "
                                                    "(its hash does not match its content)",
                                record)
        if record.get("prev") != prev:
            return VerifyResult(False, seq, number, f"record {record.get('seq')} does not follow "
                                                    "the previous one (records were removed, "
                                                    "reordered or inserted)", record)
        if record.get("seq") != seq + 1:
            return VerifyResult(False, seq, number, f"record numbering jumps from {seq} to "
                                                    f"{record.get('seq')}", record)
        prev, seq = record["hash"], record["seq"]
    return VerifyResult(True, seq)
