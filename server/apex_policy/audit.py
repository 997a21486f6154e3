"""The append-only, hash-chained, anchored audit log.

Standard library only and Python 3.9+: the harness writes to it from inside
the target. Format (JSON lines, UTF-8):

* line 1, the header: ``{"apex_audit": 2, "nonce": <random hex>, "created": <ts>,
  "key_id": <key fingerprint>, "previous"?: {...}, "hash": <sha256>, "mac": <hmac>}``;
* then one record per line: ``{"seq", "ts", "actor", "pid", "mode", "operation",
  "target", "outcome", "details", "prev", "hash", "mac"}``.

``hash`` is the SHA-256 of the line's canonical JSON (sorted keys, no spaces)
without its ``hash`` and ``mac`` members; ``prev`` is the previous line's
``hash``, so the first record is anchored to the header and its random nonce.
Editing, removing, reordering or inserting a record breaks the chain at that
record, which :func:`verify` reports.

The chain alone cannot show records cut from the end, nor a whole log replaced
by a self-consistent one, so the log is also anchored outside its file
(:mod:`apex_policy.audit_anchor`): ``mac`` is an HMAC of ``hash`` under a
per-user key kept in the user's state directory, and after every append the
log's last ``seq`` and ``hash`` are written (HMAC'd) to a head anchor there.
A header's ``previous`` records the anchored log that was at the same path
when this one was created (so deleting a log and starting over shows).

Format-1 logs (no ``key_id``, no ``mac``) are still read, verified as far as
their chain goes and appended to in their own format; verify calls them
unanchored. Without a usable key (no writable state directory) a new log is
written in format 1.

Writers from several processes take an exclusive ``flock`` on the file, read
the header and the last record under the lock, append the new line with a
single ``write`` on an ``O_APPEND`` descriptor and update the anchor before
unlocking, so lines never interleave, the chain continues across processes,
and the anchor follows the log.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

from .audit_anchor import AnchorStore, canonical, key_id, mac, mac_matches, signed_body

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; single-writer only
    fcntl = None  # type: ignore[assignment]

FORMAT_VERSION = 2
#: Format versions verify() reads (1: chained only, 2: chained and anchored).
READABLE_VERSIONS = (1, 2)
_CHUNK = 8192
_UNSET = object()


def record_hash(record: Dict[str, Any]) -> str:
    """The SHA-256 of a record (or header) without its ``hash`` and ``mac`` members."""
    body = {k: v for k, v in record.items() if k not in ("hash", "mac")}
    return hashlib.sha256(canonical(body)).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _default_actor() -> str:
    try:
        import getpass
        return getpass.getuser()
    except Exception:  # no login name (containers, odd environments)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


class AuditLog:
    """Appends records to one audit log file. Safe to share across processes.

    ``anchors``: where the key and head anchors live (default: the user's state
    directory, resolved now, so a program changing ``HOME`` later does not move it);
    ``anchored=False`` writes format-1 (chain-only) logs.
    """

    def __init__(self, path: str, *, actor: Optional[str] = None,
                 mode: Optional[str] = None, anchors: Optional[AnchorStore] = None,
                 anchored: bool = True) -> None:
        self.path = os.path.abspath(path)
        self.actor = actor or _default_actor()
        self.mode = mode
        self._anchors = (anchors or AnchorStore()) if anchored else None
        self._key: Any = _UNSET

    def _signing_key(self) -> Optional[bytes]:
        if self._key is _UNSET:
            self._key = self._anchors.key(create=True) if self._anchors else None
        return self._key

    def append(self, operation: str, *, outcome: str, target: Any = None,
               details: Optional[Dict[str, Any]] = None, mode: Optional[str] = None,
               actor: Optional[str] = None) -> Dict[str, Any]:
        """Write one record and return it (with its ``seq`` and ``hash``)."""
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        key = self._signing_key()
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            last, complete = _last_line(fd)
            out = b"" if complete else b"\n"  # never glue onto a torn line
            if last is None:
                header = self._new_header(key)
                out += canonical(header) + b"\n"
                prev, seq = header["hash"], 0
            else:
                header = _read_header(fd)
                prev, seq = _chain_state(last)
            signing = key if key is not None and header is not None and \
                header.get("key_id") == key_id(key) else None
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
            if signing is not None:
                record["mac"] = mac(signing, record["hash"].encode("ascii"))
            out += canonical(record) + b"\n"
            _write_all(fd, out)
            if signing is not None and self._anchors is not None:
                try:
                    self._anchors.write_anchor(self.path, signing, header, record["seq"],
                                               record["hash"], record["ts"])
                except OSError:
                    pass  # the record is written; verify reports the lagging anchor
            return record
        finally:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                except OSError:
                    pass
            os.close(fd)

    def _new_header(self, key: Optional[bytes]) -> Dict[str, Any]:
        header: Dict[str, Any] = {"apex_audit": FORMAT_VERSION if key else 1,
                                  "nonce": secrets.token_hex(16), "created": _now()}
        if key is not None and self._anchors is not None:
            header["key_id"] = key_id(key)
            previous = _previous_log(self._anchors.read_anchor(self.path), key)
            if previous is not None:
                header["previous"] = previous
        header["hash"] = record_hash(header)
        if key is not None:
            header["mac"] = mac(key, header["hash"].encode("ascii"))
        return header

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


def _previous_log(anchor: Optional[Dict[str, Any]], key: bytes) -> Optional[Dict[str, Any]]:
    """What a new log records about the anchored log that was at its path before."""
    if anchor is None:
        return None
    if anchor.get("damaged") or not mac_matches(key, signed_body(anchor), anchor.get("mac")):
        return {"anchor": "unverifiable"}
    return {k: anchor.get(k) for k in ("nonce", "created", "seq", "hash", "updated")}


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _pread(fd: int, size: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)   # Windows: no pread; O_APPEND writes still go last
    return os.read(fd, size)


def _last_line(fd: int) -> Tuple[Optional[bytes], bool]:
    """The last non-empty line and whether the file ends with a newline."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None, True
    data = b""
    position = size
    while position > 0:
        step = min(_CHUNK, position)
        position -= step
        data = _pread(fd, step, position) + data
        stripped = data.rstrip(b"\n")
        if b"\n" in stripped or position == 0:
            break
    complete = data.endswith(b"\n")
    stripped = data.rstrip(b"\n")
    if not stripped:
        return None, complete
    return stripped.rsplit(b"\n", 1)[-1], complete


def _read_header(fd: int) -> Optional[Dict[str, Any]]:
    """The parsed first line, or None when it is not a header."""
    data = b""
    while b"\n" not in data and len(data) < 1 << 20:
        chunk = _pread(fd, _CHUNK, len(data))
        if not chunk:
            break
        data += chunk
    try:
        header = json.loads(data.split(b"\n", 1)[0])
    except ValueError:
        return None
    return header if isinstance(header, dict) and "apex_audit" in header else None


def _chain_state(line: bytes) -> Tuple[str, int]:
    try:
        record = json.loads(line)
        return str(record["hash"]), int(record.get("seq", 0))
    except (ValueError, KeyError, TypeError):
        # A damaged last line: chain onto its bytes; verify() reports the damage.
        return hashlib.sha256(line).hexdigest(), 0


# -- verification ------------------------------------------------------------

#: VerifyResult.status values.
INTACT = "intact"            # the chain holds, every MAC checks, the anchor agrees
UNANCHORED = "unanchored"    # the chain holds, but cutting or replacing could not be checked
BROKEN = "broken"            # tampering (or damage) is evident
UNREADABLE = "unreadable"    # no log to check


class VerifyResult:
    """The outcome of :func:`verify`: its ``status``; for a broken log the first broken
    line (None when the log as a whole is at fault) and why; ``notes`` say what was
    and was not checked. Truthy unless tampering is evident or the log is unreadable."""

    __slots__ = ("status", "records", "line", "reason", "record", "notes")

    def __init__(self, status: str, records: int, line: Optional[int] = None,
                 reason: str = "", record: Optional[Dict[str, Any]] = None,
                 notes: Optional[List[str]] = None) -> None:
        self.status = status
        self.records = records
        self.line = line
        self.reason = reason
        self.record = record
        self.notes = list(notes or ())

    @property
    def ok(self) -> bool:
        return self.status in (INTACT, UNANCHORED)

    @property
    def anchored(self) -> bool:
        return self.status == INTACT

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        if self.ok:
            return f"VerifyResult({self.status}, records={self.records})"
        return f"VerifyResult({self.status} at line {self.line}: {self.reason})"


def verify(path: str, *, anchors: Optional[AnchorStore] = None) -> VerifyResult:
    """Check the header, every record's hash, chain link and MAC, and the head anchor."""
    store = anchors or AnchorStore()
    try:
        data, anchor = _read_locked(path, store)
    except FileNotFoundError:
        anchor = store.read_anchor(path)
        if anchor is not None and not anchor.get("damaged"):
            return VerifyResult(BROKEN, 0, None, "the log is missing, but its anchor says it "
                                f"held {anchor.get('seq')} record(s), the last written "
                                f"{anchor.get('updated')}: it was deleted or moved")
        return VerifyResult(UNREADABLE, 0, None, f"cannot read {path}: no such file")
    except OSError as exc:
        return VerifyResult(UNREADABLE, 0, None, f"cannot read {path}: {exc.strerror or exc}")
    checker = _Checker(store, path)
    result = checker.chain(data)
    if result is not None:
        return result
    return checker.against_anchor(anchor)


def _read_locked(path: str, store: AnchorStore) -> Tuple[bytes, Optional[Dict[str, Any]]]:
    """The log's bytes and its anchor, read together under a shared lock so that a
    writer between its append and its anchor update is not mistaken for tampering."""
    with open(path, "rb") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            except OSError:
                pass
        return handle.read(), store.read_anchor(path)


class _Checker:
    def __init__(self, store: AnchorStore, path: str) -> None:
        self.store = store
        self.path = path
        self.notes: List[str] = []
        self.header: Dict[str, Any] = {}
        self.key: Optional[bytes] = None       # set when the MACs can be checked
        self.hashes: Dict[int, Tuple[int, str]] = {}   # seq -> (line, hash)
        self.seq = 0

    def chain(self, data: bytes) -> Optional[VerifyResult]:
        """Header, hashes, links and MACs; None when they all hold."""
        if not data:
            return VerifyResult(BROKEN, 0, 1, "empty file: no header")
        lines: List[bytes] = data.split(b"\n")
        torn = lines[-1] != b""
        if not torn:
            lines.pop()
        try:
            header = json.loads(lines[0])
            if not isinstance(header, dict) or \
                    header.get("apex_audit") not in READABLE_VERSIONS:
                raise ValueError
        except ValueError:
            return VerifyResult(BROKEN, 0, 1, "line 1 is not an Apex audit log header")
        if header.get("hash") != record_hash(header) or not header.get("nonce"):
            return VerifyResult(BROKEN, 0, 1, "the header was modified", header)
        self.header = header
        if header.get("apex_audit") >= 2:
            self.key = self._usable_key(header)
            if self.key is not None and not self._signed(header):
                return VerifyResult(BROKEN, 0, 1, "the header is not authenticated by your "
                                    "key: this log was written without it (replaced)", header)
        prev, seq = header["hash"], 0
        for number, raw in enumerate(lines[1:], start=2):
            if number == len(lines) and torn:
                return VerifyResult(BROKEN, seq, number, "the last record is incomplete "
                                                         "(the log was truncated)")
            try:
                record = json.loads(raw)
                if not isinstance(record, dict):
                    raise ValueError
            except ValueError:
                return VerifyResult(BROKEN, seq, number, "not a JSON record (the line was "
                                                         "cut, joined or edited)")
            if record.get("hash") != record_hash(record):
                return VerifyResult(BROKEN, seq, number, f"record {record.get('seq')} was "
                                    "modified (its hash does not match its content)", record)
            if record.get("prev") != prev:
                return VerifyResult(BROKEN, seq, number, f"record {record.get('seq')} does not "
                                    "follow the previous one (records were removed, reordered "
                                    "or inserted)", record)
            if record.get("seq") != seq + 1:
                return VerifyResult(BROKEN, seq, number, f"record numbering jumps from {seq} "
                                    f"to {record.get('seq')}", record)
            if self.key is not None and not self._signed(record):
                return VerifyResult(BROKEN, seq, number, f"record {record.get('seq')} is not "
                                    "authenticated (missing or wrong MAC): it was written "
                                    "without your key", record)
            prev, seq = record["hash"], record["seq"]
            self.hashes[seq] = (number, prev)
        self.seq = seq
        return None

    def _signed(self, line: Dict[str, Any]) -> bool:
        return mac_matches(self.key, str(line.get("hash")).encode("ascii", "replace"),
                           line.get("mac"))

    def _usable_key(self, header: Dict[str, Any]) -> Optional[bytes]:
        key = self.store.key()
        if key is None:
            self.notes.append(f"no audit key at {self.store.key_path}: the MACs and the "
                              "anchor cannot be checked here")
            return None
        if header.get("key_id") != key_id(key):
            self.notes.append(f"the log was written with another key ({header.get('key_id')}; "
                              f"yours is {key_id(key)}): the MACs and the anchor cannot be "
                              "checked here")
            return None
        if self.store.key_exposed():
            self.notes.append(f"the audit key {self.store.key_path} is readable by other "
                              "users: anyone who can read it can forge records")
        return key

    def against_anchor(self, anchor: Optional[Dict[str, Any]]) -> VerifyResult:
        header, seq = self.header, self.seq
        previous = header.get("previous")
        if isinstance(previous, dict):
            self.notes.append(
                "this log replaced an earlier one at this path that was deleted, moved or "
                "emptied" + (f" (created {previous.get('created')}, {previous.get('seq')} "
                             "record(s))" if "seq" in previous else
                             " (its anchor could not be verified)"))
        # The anchor is this user's, whatever key the log claims: check it with our key.
        own_key = self.key or self.store.key()
        if anchor is not None and own_key is not None:
            if anchor.get("damaged") or not mac_matches(own_key, signed_body(anchor),
                                                        anchor.get("mac")):
                return self._broken(None, f"the anchor {self.store.anchor_path(self.path)} "
                                    "does not verify with your key (it was modified, or the "
                                    "key changed)")
            if anchor.get("nonce") != header.get("nonce"):
                return self._broken(1, "the log was replaced: the anchor for this path "
                                    f"belongs to another log (created {anchor.get('created')}, "
                                    f"{anchor.get('seq')} record(s)); this one claims to be "
                                    f"created {header.get('created')}")
        elif anchor is not None:
            self.notes.append("an anchor exists for this path but there is no key to check it")
        if header.get("apex_audit") == 1:
            return self._unanchored("a format-1 log (written before Apex anchored its logs, "
                                    "or without a usable key): records cut from the end or "
                                    "a replaced log cannot be detected; start a new log to "
                                    "anchor it")
        if self.key is None:
            return self._unanchored("unauthenticated: records cut from the end or a replaced "
                                    "log cannot be detected")
        if anchor is None:
            return self._unanchored(f"no anchor for this path in {self.store.directory} (the "
                                    "log was moved or copied here, or the anchor deleted): "
                                    "records cut from the end cannot be detected")
        anchored_seq = anchor.get("seq")
        if not isinstance(anchored_seq, int) or anchored_seq < 0:
            return self._broken(None, "the anchor was modified or damaged")
        if seq < anchored_seq:
            cut = f"record {anchored_seq} was" if seq + 1 == anchored_seq else \
                f"records {seq + 1}-{anchored_seq} were"
            return self._broken(len(self.hashes) + 2, f"{cut} cut from the end: the anchor "
                                f"says record {anchored_seq} (written {anchor.get('updated')}) "
                                "was the last")
        if anchored_seq:
            line, head = self.hashes[anchored_seq]
            if head != anchor.get("hash"):
                return self._broken(line, f"record {anchored_seq} is not the one anchored "
                                    "(the log was rewritten)")
        if seq > anchored_seq:
            self.notes.append(f"{seq - anchored_seq} record(s) after the anchored record "
                              f"{anchored_seq} (a writer stopped before updating the anchor); "
                              "their MACs are valid")
        return VerifyResult(INTACT, seq, notes=self.notes)

    def _broken(self, line: Optional[int], reason: str) -> VerifyResult:
        return VerifyResult(BROKEN, self.seq, line, reason, notes=self.notes)

    def _unanchored(self, why: str) -> VerifyResult:
        return VerifyResult(UNANCHORED, self.seq, reason=why, notes=self.notes)
