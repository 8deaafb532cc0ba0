"""The interface every benchmarked system implements, and the Python-producer default."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def redis_url() -> str:
    """The private Redis of this run (set by the runner before peers are imported)."""
    return os.environ["BENCH_REDIS_URL"]


def stamp(mode: str) -> float:
    """The job argument for a send mode: 0 (throughput), -1 (warm-up), or now (latency).
    Integers for the first two, so the payload is byte for byte what the Node peers send."""
    if mode == "zero":
        return 0
    if mode == "warm":
        return -1
    return time.time()


class Peer:
    """A system under test. Subclasses implement ``one`` (and ``many`` if it has a bulk API)
    for a Python producer running in this process, and ``worker_commands``."""

    name = "?"
    version = ""
    has_bulk = False
    note = ""
    unsupported = ""  # a reason to skip process/latency/RSS entirely

    async def setup(self) -> None:
        """Connect the producer."""

    async def close(self) -> None:
        """Release the producer."""

    async def one(self, t: float) -> None:
        raise NotImplementedError

    async def many(self, n: int) -> None:
        raise NotImplementedError

    def worker_commands(self) -> list[list[str]]:
        """Commands that start the workers (2 processes' worth, the system's idiomatic way)."""
        raise NotImplementedError

    async def send(self, count: int, rate: float, mode: str) -> float:
        """Enqueue ``count`` jobs one call each, ``rate`` per second (0: as fast as possible);
        return the seconds taken."""
        start = time.perf_counter()
        for i in range(count):
            if rate:
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            await self.one(stamp(mode))
        return time.perf_counter() - start

    async def send_bulk(self, count: int) -> float:
        """Enqueue ``count`` throughput jobs with the bulk API; return the seconds taken."""
        start = time.perf_counter()
        await self.many(count)
        return time.perf_counter() - start


def python_module(module: str, *args: str) -> list[str]:
    """A command running ``python -m module args`` in the bench venv."""
    return [PYTHON, "-m", module, *args]
