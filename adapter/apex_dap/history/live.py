"""The adapter's end of a live recording: history synchronisation over the session's harness.

The recorder has no connection of its own: its requests share the launch's one harness
connection (``Session.harness``) with hot reload and the rest, told apart by request id.
The session owns that connection and closes it.
"""
from __future__ import annotations

import asyncio
from typing import Any

from apex_host.client import HarnessClient, HarnessError

from .model import History

PAGE_EVENTS = 100000


class RecordingUnavailable(Exception):
    """The harness in the program cannot answer (gone, refused)."""


class LiveRecording:
    def __init__(self, client: HarnessClient) -> None:
        self.client = client
        self.history = History()
        self._lock = asyncio.Lock()

    async def request(self, command: str, arguments: dict[str, Any] | None = None,
                      timeout: float = 60.0) -> dict[str, Any]:
        try:
            return await asyncio.to_thread(self.client.request, command, arguments, timeout)
        except HarnessError as exc:
            raise RecordingUnavailable(f"the recorder in the program did not answer "
                                       f"{command}: {exc}") from None

    async def sync(self, wanted=lambda: True) -> History:
        """Pull every step recorded since the last sync into the history (while
        ``wanted()``: a prefetch stops once the program runs on)."""
        async with self._lock:
            history = self.history
            goal = None  # the end as of the first page: a running program is not chased
            while True:
                page = await self.request("recorder.fetch", {
                    "start": history.end, "maxEvents": PAGE_EVENTS,
                    "codesKnown": len(history.codes)})
                await asyncio.to_thread(history.add_page, page)
                goal = page["latest"] if goal is None else goal
                if page["end"] >= goal or page["end"] == page["start"] or not wanted():
                    return history
