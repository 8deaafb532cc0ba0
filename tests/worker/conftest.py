"""Fixtures of the worker suite: fast leases and housekeeping, and a helper to run a Worker."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.client import PubSub

from pykue import Queue, Settings
from pykue.worker import Worker


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return settings.replace(lease_ms=600, promote_interval_ms=50, drain_timeout_s=2.0)


@pytest.fixture
async def app(fast: Settings) -> AsyncIterator[Queue]:
    """A fresh Queue (the app under test) on the test Redis; register handlers on it."""
    q = Queue(settings=fast)
    await q.connect()
    yield q
    await q.close()


@contextlib.asynccontextmanager
async def running(queue: Queue, **options: object) -> AsyncIterator[Worker]:
    worker = Worker(queue, poll_s=0.2, **options)  # type: ignore[arg-type]
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


async def wait_for(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


async def states(queue: Queue, *ids: int) -> list[str]:
    return [str((await queue.get(i)).state) for i in ids]


async def settled(queue: Queue, *ids: int) -> bool:
    return all(s in ("complete", "failed") for s in await states(queue, *ids))


def drain_messages(pubsub: PubSub, want: int, timeout: float = 3.0) -> list[str]:
    """Messages received on a (sync) subscription: ``want`` of them, or all by ``timeout``."""
    messages: list[str] = []
    deadline = time.monotonic() + timeout
    while len(messages) < want and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.1)
        if message is not None:
            messages.append(str(message["data"]))
    time.sleep(0.05)
    while (message := pubsub.get_message(timeout=0.05)) is not None:
        messages.append(str(message["data"]))
    pubsub.close()
    return messages
