"""``apexResources`` events: the target's memory, CPU, threads, from apex_host's monitor.

apex_host.monitor samples the process tree with psutil on its own thread (no work inside
the target); this forwards each sample to the event loop and adds a CPU percentage.
Polling misses short spikes, so this reports usage; it does not enforce limits.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable

log = logging.getLogger("apex_dap.resources")


class ResourceMonitor:
    def __init__(self, pid: int, interval: float, emit: Callable[[dict[str, Any]], None]):
        self.pid = pid
        self.interval = max(0.25, interval)
        self._emit = emit
        self._monitor = None
        self._last: tuple[float, float] | None = None

    def start(self) -> None:
        try:
            from apex_host.monitor import ResourceMonitor as HostMonitor
        except ImportError as exc:
            log.info("no resource monitor: %s", exc)
            return
        loop = asyncio.get_running_loop()

        def on_sample(sample: dict) -> None:
            loop.call_soon_threadsafe(self._forward, sample)

        self._monitor = HostMonitor(self.pid, self.interval, on_sample).start()

    def _forward(self, sample: dict[str, Any]) -> None:
        now, cpu = time.monotonic(), sample.get("cpuSeconds", 0.0)
        body = dict(sample)
        if self._last is not None and now > self._last[0]:
            body["cpuPercent"] = round(100.0 * (cpu - self._last[1]) / (now - self._last[0]), 1)
        else:
            body["cpuPercent"] = 0.0
        self._last = (now, cpu)
        self._emit(body)

    def stop(self) -> None:
        if self._monitor is not None:
            self._monitor.stop()
            self._monitor = None
