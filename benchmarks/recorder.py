"""What a no-op job handler records, in the worker process that runs it.

Every benchmarked handler calls ``hit(t)`` with the job's only argument ``t``:
``0`` for throughput jobs, ``-1`` for warm-up jobs, otherwise the producer's ``time.time()``
just before it enqueued the job (so ``now - t`` is the enqueue-to-start latency).

A daemon thread writes the process's counters to ``$BENCH_STATS_DIR/<pid>.json`` every 50 ms;
the harness sums the files of all worker processes. Forked children start their own thread.
Where a process lives for one job only (RQ's fork-per-job worker), ``BENCH_RECORD_SYNC=1`` makes
every hit append one line ``kind time value`` to ``$BENCH_STATS_DIR/hits.log`` instead.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

FLUSH_EVERY_S = 0.05


class Recorder:
    def __init__(self) -> None:
        self.pid = 0
        self.lock = threading.Lock()
        self.folder = Path(os.environ.get("BENCH_STATS_DIR", "."))
        self.sync = os.environ.get("BENCH_RECORD_SYNC") == "1"
        self._reset()

    def _reset(self) -> None:
        self.count = 0
        self.first = 0.0
        self.last = 0.0
        self.warm = 0
        self.latencies: list[float] = []

    def hit(self, t: float) -> None:
        now = time.time()
        if self.sync:
            self._append(now, t)
            return
        with self.lock:
            if self.pid != os.getpid():
                self._start()
            if t == 0:
                if not self.count:
                    self.first = now
                self.count += 1
                self.last = now
            elif t < 0:
                self.warm += 1
            else:
                self.latencies.append(now - t)

    def _append(self, now: float, t: float) -> None:
        kind = "n" if t == 0 else "w" if t < 0 else "l"
        line = f"{kind} {now!r} {now - t if kind == 'l' else 0!r}\n"
        fd = os.open(self.folder / "hits.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)

    def _start(self) -> None:
        self._reset()  # fresh counters in a forked child
        self.pid = os.getpid()
        threading.Thread(target=self._flush_forever, daemon=True).start()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "n": self.count,
                "first": self.first,
                "last": self.last,
                "warm": self.warm,
                "lat": list(self.latencies),
            }

    def _flush_forever(self) -> None:
        path = self.folder / f"{self.pid}.json"
        seen: tuple[int, int, int] | None = None
        while True:
            state = (self.count, self.warm, len(self.latencies))
            if state != seen:
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps(self.snapshot()))
                tmp.replace(path)
                seen = state
            time.sleep(FLUSH_EVERY_S)


RECORDER = Recorder()
hit = RECORDER.hit
