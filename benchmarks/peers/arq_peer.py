"""arq: asyncio worker (max_jobs 10 by default), two `arq` processes."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from arq import create_pool
from arq.connections import RedisSettings
from recorder import hit

from peers.base import PYTHON, Peer, redis_url


async def noop(ctx: dict[str, Any], t: float) -> None:
    hit(t)


class WorkerSettings:
    functions = (noop,)
    redis_settings = RedisSettings.from_dsn(redis_url())
    keep_result = 0


class Arq(Peer):
    name = "arq"
    version = version("arq")
    note = "2 `arq` processes, max_jobs 10 (default), keep_result 0"

    async def setup(self) -> None:
        self.pool = await create_pool(RedisSettings.from_dsn(redis_url()))

    async def close(self) -> None:
        await self.pool.aclose()

    async def one(self, t: float) -> None:
        await self.pool.enqueue_job("noop", t)

    def worker_commands(self) -> list[list[str]]:
        return [[PYTHON, "-m", "arq", "peers.arq_peer.WorkerSettings"] for _ in range(2)]
