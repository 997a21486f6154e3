"""Resource usage of a process tree, sampled with psutil (reporting, not enforcement).

Polling misses short spikes, so limits are enforced by rlimits and cgroups; this
reports usage to the editor (``resources`` events) and peaks to run reports.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psutil


class ResourceMonitor:
    """Samples ``pid`` and its descendants every ``interval`` s on a daemon thread."""

    def __init__(self, pid: int, interval: float = 0.5,
                 on_sample: Callable[[dict], None] | None = None) -> None:
        self.pid = pid
        self.interval = interval
        self.on_sample = on_sample
        self.peaks = {"rssBytes": 0, "threads": 0, "openFiles": 0, "processes": 0,
                      "cpuSeconds": 0.0}
        self.last: dict | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="apex-monitor", daemon=True)
        self._cpu_done: dict[int, float] = {}

    def start(self) -> "ResourceMonitor":
        self._thread.start()
        return self

    def stop(self) -> dict:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(2)
        return dict(self.peaks)

    def sample(self) -> dict | None:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return None
        rss = threads = files = 0
        for proc in procs:
            try:
                with proc.oneshot():
                    rss += proc.memory_info().rss
                    threads += proc.num_threads()
                    files += proc.num_fds()
                    times = proc.cpu_times()
                    self._cpu_done[proc.pid] = times.user + times.system
            except psutil.Error:
                continue
        sample = {"pid": self.pid, "time": time.time(), "rssBytes": rss, "threads": threads,
                  "openFiles": files, "processes": len(procs),
                  "children": len(procs) - 1,
                  "cpuSeconds": round(sum(self._cpu_done.values()), 3)}
        for key in self.peaks:
            self.peaks[key] = max(self.peaks[key], sample[key])
        self.last = sample
        return sample

    @property
    def max_process_cpu(self) -> float:
        """The most CPU time any single sampled process used (for RLIMIT_CPU kills)."""
        return max(self._cpu_done.values(), default=0.0)

    def _loop(self) -> None:
        while not self._stop.is_set():
            sample = self.sample()
            if sample is not None and self.on_sample is not None:
                try:
                    self.on_sample(sample)
                except Exception:
                    pass
            self._stop.wait(self.interval)
