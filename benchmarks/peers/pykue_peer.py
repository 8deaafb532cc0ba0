"""pykue: the producer (Queue.create / create_many); workers once ``pykue.worker`` exists."""

from __future__ import annotations

from importlib.metadata import version

from pykue import Queue

from peers.base import Peer, redis_url


class Pykue(Peer):
    name = "pykue"
    version = version("pykue")
    has_bulk = True
    note = "Queue.create per job; bulk = Queue.create_many"
    unsupported = "no worker yet"

    async def setup(self) -> None:
        self.queue = Queue(redis_url())
        await self.queue.connect()

    async def close(self) -> None:
        await self.queue.close()

    async def one(self, t: float) -> None:
        await self.queue.create("noop", {"t": t})

    async def many(self, n: int) -> None:
        await self.queue.create_many([{"type": "noop", "data": {"t": 0.0}}] * n)
