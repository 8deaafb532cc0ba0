"""``TtlWatch``: honours Kue's ``ttl exceeded`` messages for jobs this process holds.

A Node Kue process's TTL checker publishes ``ttl exceeded`` for overdue active jobs and expects
the holder to fail the job and publish ``ttl exceeded ack`` within a second. The watch subscribes
only once this process has taken a job with a TTL (other jobs are never flagged), so workloads
without TTLs do not pay for parsing every event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from redis.asyncio.client import Redis
from redis.exceptions import RedisError

from pykue.core.events import Subscription
from pykue.worker.active import ActiveJob

log = logging.getLogger("pykue.worker")


class TtlWatch:
    """Call ``need()`` when a job with a TTL is taken; ``close()`` on shutdown."""

    def __init__(
        self, client: Redis, channel: str, lookup: Callable[[int], ActiveJob | None]
    ) -> None:
        self._client = client
        self._channel = channel
        self._lookup = lookup
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.subscribed = asyncio.Event()

    def need(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name="pykue-ttl-watch")

    async def _listen(self) -> None:
        while not self._closing:
            try:
                async with Subscription(
                    self._client, self._channel, names=["ttl exceeded"]
                ) as events:
                    self.subscribed.set()
                    async for event in events:
                        active = self._lookup(event.id)
                        if active is not None:
                            active.expire_now()
            except (RedisError, OSError) as exc:
                log.warning("event subscription lost: %s", exc)
                self.subscribed.clear()
                await asyncio.sleep(1)

    async def close(self) -> None:
        self._closing = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
