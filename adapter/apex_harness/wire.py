"""Framing shared by the harness and the host: 4-byte big-endian length + UTF-8 JSON.

Standard library only (runs inside the target). The host side may encode with
msgspec, but the bytes on the wire are the same. See docs/harness-protocol.md.
"""
from __future__ import annotations

import json
import socket
import struct

#: Bumped when a message changes incompatibly; sent in both hello messages.
PROTOCOL_VERSION = 1

#: Refuse frames above this size instead of allocating whatever a peer claims.
MAX_FRAME = 64 * 1024 * 1024

_HEADER = struct.Struct(">I")


class ProtocolError(Exception):
    """The peer sent something that is not a valid frame or message."""


def encode(message: dict) -> bytes:
    body = json.dumps(message, separators=(",", ":"), default=repr).encode("utf-8")
    return _HEADER.pack(len(body)) + body


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError("peer closed the connection")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_message(sock: socket.socket) -> dict:
    """Block until one whole message arrives. EOFError when the peer is gone."""
    (size,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    if size > MAX_FRAME:
        raise ProtocolError("frame of %d bytes exceeds the %d limit" % (size, MAX_FRAME))
    try:
        message = json.loads(_recv_exact(sock, size).decode("utf-8"))
    except ValueError as exc:
        raise ProtocolError("frame is not UTF-8 JSON: %s" % exc) from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("message is not an object with a string 'type'")
    return message


def parse_address(address: str):
    """'unix:/path' | 'tcp:host:port' | 'host:port' -> (family, sockaddr)."""
    if address.startswith("unix:"):
        return socket.AF_UNIX, address[5:]
    if address.startswith("tcp:"):
        address = address[4:]
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError("address must be unix:/path or host:port, got %r" % address)
    return socket.AF_INET, (host.strip("[]") or "127.0.0.1", int(port))


def format_address(family, sockaddr) -> str:
    if family == socket.AF_UNIX:
        return "unix:" + sockaddr
    return "tcp:%s:%d" % (sockaddr[0], sockaddr[1])
