"""The one place that builds Redis clients: from a URL, or for Redis Cluster."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aredis
from redis.asyncio.cluster import RedisCluster

from pykue.errors import RedisUnavailable

AsyncRedis = aredis.Redis
POOL_SIZE = 64
"""Connections of a Queue's client (commands beyond that wait for a free connection)."""
POOL_WAIT_S = 30.0
Client = aredis.Redis | RedisCluster
"""Either kind of client a Queue works with."""


def connect(url: str, *, pool_size: int | None = None, **options: Any) -> AsyncRedis:
    """An asyncio Redis client (str replies) for a ``redis://``, ``rediss://`` or ``unix://`` URL.

    With ``pool_size`` the client uses at most that many connections and a command waits (up to
    ``POOL_WAIT_S``) for a free one, instead of failing with "Too many connections" when many
    coroutines use the client at once. Nothing is sent until first use; ``check(client)``
    verifies the server answers.
    """
    options.setdefault("decode_responses", True)
    options.setdefault("health_check_interval", 30)
    try:
        if pool_size is None:
            return aredis.Redis.from_url(url, **options)
        pool = aredis.BlockingConnectionPool.from_url(
            url, max_connections=pool_size, timeout=POOL_WAIT_S, **options
        )
        return aredis.Redis.from_pool(pool)
    except ValueError as exc:
        raise RedisUnavailable(f"invalid Redis URL {url!r}: {exc}") from None


def connect_cluster(url: str, **options: Any) -> RedisCluster:
    """A Redis Cluster client; use a ``{q}`` prefix so each queue's keys share one slot."""
    options.setdefault("decode_responses", True)
    try:
        return RedisCluster.from_url(url, **options)
    except ValueError as exc:
        raise RedisUnavailable(f"invalid Redis Cluster URL {url!r}: {exc}") from None


async def check(client: Client, url: str = "") -> None:
    """Raise ``RedisUnavailable`` unless the server answers PING."""
    try:
        await client.ping()
    except (OSError, aredis.RedisError) as exc:
        where = f" at {url}" if url else ""
        raise RedisUnavailable(f"cannot reach Redis{where}: {exc}") from None
