"""SAQ: asyncio worker (concurrency 10 by default), `saq --workers 2`."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from recorder import hit
from saq import Queue

from peers.base import PYTHON, Peer, redis_url


async def noop(ctx: dict[str, Any], *, t: float) -> None:
    hit(t)


settings = {
    "queue": Queue.from_url(redis_url(), name="bench"),
    "functions": [noop],
    "concurrency": 10,
}


class Saq(Peer):
    name = "SAQ"
    version = version("saq")
    note = "`saq --workers 2`, concurrency 10"

    async def setup(self) -> None:
        self.queue = Queue.from_url(redis_url(), name="bench")
        await self.queue.connect()

    async def close(self) -> None:
        await self.queue.disconnect()

    async def one(self, t: float) -> None:
        await self.queue.enqueue("noop", t=t)

    def worker_commands(self) -> list[list[str]]:
        return [[PYTHON, "-m", "saq", "peers.saq_peer.settings", "--workers", "2"]]
