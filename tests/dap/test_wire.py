"""Framing: what an editor may send, including garbage, never stops the reader."""
import asyncio

import pytest

from apex_dap.protocol.wire import (MalformedMessage, PrefixedReader, encode_message,
                                   read_message)


def _read_all(data: bytes):
    async def run():
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        out = []
        while True:
            try:
                message = await read_message(reader)
            except MalformedMessage as exc:
                out.append(("error", str(exc)))
                continue
            except asyncio.IncompleteReadError:
                out.append(("truncated", None))
                break
            if message is None:
                break
            out.append(("ok", message))
        return out
    return asyncio.run(run())


def test_round_trip_and_back_to_back_messages():
    data = encode_message({"seq": 1, "type": "request", "command": "a"}) + \
        encode_message({"seq": 2, "type": "request", "command": "ü"})
    assert [m["command"] for kind, m in _read_all(data)] == ["a", "ü"]


@pytest.mark.parametrize("bad, reason", [
    (b"Content-Length: 5\r\n\r\n{nope", "not JSON"),
    (b"Content-Length: 2\r\n\r\n[]", "not a JSON object"),
    (b"Content-Length: x\r\n\r\n", "bad Content-Length"),
    (b"Content-Type: foo\r\n\r\n", "missing Content-Length"),
    (b"Content-Length: 999999999999\r\n\r\n", "out of range"),
    (b"garbage without colon\r\n\r\n", "bad header line"),
])
def test_malformed_input_is_reported_and_reading_continues(bad, reason):
    good = encode_message({"seq": 9, "type": "request", "command": "after"})
    results = _read_all(bad + good)
    assert results[0][0] == "error" and reason in results[0][1]
    assert results[-1] == ("ok", {"seq": 9, "type": "request", "command": "after"})


def test_truncated_body_ends_the_stream_cleanly():
    assert _read_all(b"Content-Length: 50\r\n\r\n{}")[-1] == ("truncated", None)


def test_a_line_already_read_is_framed_first():
    # The TCP listener reads the first line itself (token or first header) and hands
    # it back through PrefixedReader; the message must frame as if nothing was read.
    data = encode_message({"seq": 1, "type": "request", "command": "a"}) + \
        encode_message({"seq": 2, "type": "request", "command": "b"})
    first, rest = data.split(b"\n", 1)

    async def run():
        stream = asyncio.StreamReader()
        stream.feed_data(rest)
        stream.feed_eof()
        reader = PrefixedReader(first + b"\n", stream)
        out = []
        while (message := await read_message(reader)) is not None:
            out.append(message["command"])
        return out
    assert asyncio.run(run()) == ["a", "b"]


def test_prefixed_reader_reports_a_short_body_as_truncated():
    async def run():
        stream = asyncio.StreamReader()
        stream.feed_data(b"xy")
        stream.feed_eof()
        with pytest.raises(asyncio.IncompleteReadError) as raised:
            await PrefixedReader(b"ab", stream).readexactly(10)
        return raised.value.partial
    assert asyncio.run(run()) == b"abxy"
