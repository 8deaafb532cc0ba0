"""Fixtures shared by every suite: one real redis-server per test session, flushed per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import redis
from playwright.async_api import Browser

from pykue import Queue, Settings
from tests.support.browser import chromium
from tests.support.redis_cluster import RedisClusterNodes
from tests.support.redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


@pytest.fixture
def settings(redis_url: str) -> Settings:
    return Settings.from_env({}, redis_url=redis_url)


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[Queue]:
    q = Queue(settings=settings)
    await q.connect()
    yield q
    await q.close()


@pytest.fixture
def sync_redis(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A headless Chromium (the system's), for the browser, RPC and end-to-end tests."""
    async with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def cluster() -> Iterator[RedisClusterNodes]:
    """A real 3-node Redis Cluster (same redis-server binary), shared by the cluster tests."""
    nodes = RedisClusterNodes().start()
    yield nodes
    nodes.stop()
