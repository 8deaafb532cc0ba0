"""bullmq for Python: two worker processes, concurrency 10 each."""

from __future__ import annotations

import asyncio
import signal
from importlib.metadata import version
from typing import Any

from bullmq import Queue, Worker
from recorder import hit

from peers.base import PYTHON, Peer, redis_url

QUEUE = "bench"
CONCURRENCY = 10


async def noop(job: Any, token: str) -> None:
    hit(job.data["t"])


class BullMQPython(Peer):
    name = "bullmq (Python)"
    version = version("bullmq")
    has_bulk = True
    note = "2 processes, Worker concurrency 10; bulk = Queue.addBulk"

    async def setup(self) -> None:
        self.queue = Queue(QUEUE, {"connection": redis_url()})

    async def close(self) -> None:
        await self.queue.close()

    async def one(self, t: float) -> None:
        await self.queue.add("noop", {"t": t}, {"removeOnComplete": True})

    async def many(self, n: int) -> None:
        job = {"name": "noop", "data": {"t": 0}, "opts": {"removeOnComplete": True}}
        await self.queue.addBulk([job] * n)

    def worker_commands(self) -> list[list[str]]:
        return [[PYTHON, "-m", "peers.bullmq_peer"] for _ in range(2)]


async def work() -> None:
    worker = Worker(QUEUE, noop, {"connection": redis_url(), "concurrency": CONCURRENCY})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await worker.close()


if __name__ == "__main__":
    asyncio.run(work())
