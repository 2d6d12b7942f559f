"""CPU time of processes, sampled from ``/proc/<pid>/stat`` on a background thread.

Samples are kept as (wall time, CPU seconds) pairs so a phase's CPU can be read afterwards
for any window, e.g. from a process's first output to its last: start-up (imports, group
join) then falls outside it. Ticks are 1/100 s, so windows should last a second or more.
"""

from __future__ import annotations

import bisect
import os
import re
import threading
import time
from collections.abc import Mapping

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU of every thread of ``pid``; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    fields = raw[raw.rindex(b")") + 2 :].split()
    # after the command come state (field 3) ...; utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / TICKS


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds per kind of thread of ``pid`` (names with their numbers taken out, so
    a pool's threads add up), e.g. a JVM's request handlers, network threads, compilers
    and garbage collectors."""
    out: dict[str, float] = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat", "rb") as handle:
                raw = handle.read()
        except OSError:
            continue
        name = raw[raw.index(b"(") + 1 : raw.rindex(b")")].decode(errors="replace")
        kind = re.sub(r"[-#]?\d+", "", name).strip("-# ") or name
        fields = raw[raw.rindex(b")") + 2 :].split()
        out[kind] = out.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / TICKS
    return out


class CpuSampler:
    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        self.pids: dict[str, int] = {}
        self.samples: dict[str, list[tuple[float, float]]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-sampler", daemon=True)

    def watch(self, name: str, pid: int) -> None:
        with self._lock:
            self.pids[name] = pid
            self.samples[name] = []
        self.sample()

    def forget(self, name: str) -> None:
        with self._lock:
            self.pids.pop(name, None)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def sample(self) -> None:
        with self._lock:
            pids = dict(self.pids)
        for name, pid in pids.items():
            now = time.time()
            value = cpu_seconds(pid)
            if value is not None:
                with self._lock:
                    self.samples[name].append((now, value))

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()

    def at(self, name: str, when: float) -> float:
        """CPU seconds of ``name`` at wall time ``when``, interpolated between samples."""
        with self._lock:
            series = list(self.samples[name])
        if not series:
            raise LookupError(f"no CPU samples of {name}")
        times = [t for t, _ in series]
        i = bisect.bisect_left(times, when)
        if i == 0:
            return series[0][1]
        if i == len(series):
            return series[-1][1]
        (t0, c0), (t1, c1) = series[i - 1], series[i]
        return c0 + (c1 - c0) * (when - t0) / (t1 - t0) if t1 > t0 else c1

    def used(self, name: str, start: float, end: float) -> float:
        return max(0.0, self.at(name, end) - self.at(name, start))

    def used_by_all(self, start: float, end: float) -> Mapping[str, float]:
        with self._lock:
            names = [n for n, s in self.samples.items() if s]
        return {name: self.used(name, start, end) for name in names}
