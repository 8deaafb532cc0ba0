"""Helpers for the integration tests: listen to Kue's event channel, dump zsets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis
import redis.asyncio as aredis


def zset(client: redis.Redis, key: str) -> list[tuple[str, float]]:
    return [(str(m), float(s)) for m, s in client.zrange(key, 0, -1, withscores=True)]


class Messages:
    """Raw messages of one channel, as Kue's processes see them."""

    def __init__(self, pubsub: aredis.client.PubSub) -> None:
        self._pubsub = pubsub
        self.received: list[str] = []

    async def collect(self, count: int, within: float = 2.0) -> list[str]:
        async def wait() -> None:
            while len(self.received) < count:
                message = await self._pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=0.2
                )
                if message is not None:
                    self.received.append(str(message["data"]))

        await asyncio.wait_for(wait(), within)
        return self.received

    async def quiet(self, seconds: float = 0.1) -> list[str]:
        """Every message that arrives within ``seconds``."""
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.05)
            if message is not None:
                self.received.append(str(message["data"]))
        return self.received


@asynccontextmanager
async def listen(url: str, channel: str = "q:events") -> AsyncIterator[Messages]:
    client = aredis.Redis.from_url(url, decode_responses=True)
    pubsub = client.pubsub()
    await pubsub.subscribe(channel)
    try:
        yield Messages(pubsub)
    finally:
        await pubsub.aclose()
        await client.aclose()
