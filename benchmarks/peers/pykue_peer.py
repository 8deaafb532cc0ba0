"""pykue: the producer (Queue.create / create_many) and `pykue worker -n 2` (its supervisor
running 2 worker processes) on this module's ``queue`` app, a no-op handler, concurrency 10."""

from __future__ import annotations

import importlib.util
from importlib.metadata import version
from typing import Any

from recorder import hit

from peers.base import PYTHON, Peer, redis_url
from pykue import Queue

CONCURRENCY = 10

queue = Queue(redis_url())


@queue.process("noop", concurrency=CONCURRENCY)
async def noop(job: Any) -> None:
    hit(job.data["t"])


def _unsupported() -> str:
    return "" if importlib.util.find_spec("pykue.worker") else "pykue.worker not available yet"


class Pykue(Peer):
    name = "pykue"
    version = version("pykue")
    has_bulk = True
    note = "`pykue worker -n 2`, concurrency 10; bulk = Queue.create_many"
    unsupported = _unsupported()

    async def setup(self) -> None:
        self.queue = Queue(redis_url())
        await self.queue.connect()

    async def close(self) -> None:
        await self.queue.close()

    async def one(self, t: float) -> None:
        await self.queue.create("noop", {"t": t})

    async def many(self, n: int) -> None:
        await self.queue.create_many([{"type": "noop", "data": {"t": 0}}] * n)

    def worker_commands(self) -> list[list[str]]:
        cli = [PYTHON, "-m", "pykue.cli", "--redis-url", redis_url()]
        return [[*cli, "worker", "peers.pykue_peer:queue", "--processes", "2"]]
