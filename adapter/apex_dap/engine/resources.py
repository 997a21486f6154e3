"""``apexResources`` events: the target's memory, CPU and threads, sampled with psutil.

Sampled from the adapter process (no work inside the target), at a modest rate. Polling
misses short spikes, so this reports usage; it does not enforce limits.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

log = logging.getLogger("apex_dap.resources")


def sample(process: Any) -> dict[str, Any]:
    with process.oneshot():
        memory = process.memory_info()
        cpu_times = process.cpu_times()
        body = {
            "pid": process.pid,
            "rss": memory.rss,
            "vms": memory.vms,
            "cpuPercent": process.cpu_percent(None),
            "cpuSeconds": round(cpu_times.user + cpu_times.system, 3),
            "threads": process.num_threads(),
        }
    try:
        body["openFiles"] = process.num_fds()
    except Exception:
        pass
    try:
        body["children"] = len(process.children(recursive=True))
    except Exception:
        pass
    return body


class ResourceMonitor:
    def __init__(self, pid: int, interval: float, emit: Callable[[dict[str, Any]], None]):
        self.pid = pid
        self.interval = max(0.25, interval)
        self._emit = emit
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        try:
            import psutil
            process = psutil.Process(self.pid)
            process.cpu_percent(None)  # prime: the first call has no interval to measure
        except Exception as exc:
            log.info("no resource monitor for %s: %s", self.pid, exc)
            return
        while True:
            await asyncio.sleep(self.interval)  # the sampling period itself, not a wait
            try:
                self._emit(sample(process))
            except Exception:  # the process is gone; the session end follows
                return
