"""The one place that builds Redis clients: from a URL, or for Redis Cluster."""

from __future__ import annotations

from typing import Any

import hiredis
import redis.asyncio as aredis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.connection import (
    AbstractConnection,
    Connection,
    SSLConnection,
    UnixDomainSocketConnection,
)

from pykue.errors import RedisUnavailable

AsyncRedis = aredis.Redis
POOL_SIZE = 64
"""Connections of a Queue's client (commands beyond that wait for a free connection)."""
POOL_WAIT_S = 30.0
Client = aredis.Redis | RedisCluster
"""Either kind of client a Queue works with."""


class _HiredisPacking(AbstractConnection):
    """Commands packed by hiredis (C) instead of redis-py's asyncio packer (pure Python), which
    costs about as much per command as a loopback round trip."""

    def pack_command(self, *args: Any) -> list[bytes]:
        if isinstance(args[0], str) and " " in args[0]:  # "SCRIPT LOAD": two words, as redis-py
            args = (*args[0].split(), *args[1:])
        try:
            return [hiredis.pack_command(args)]
        except TypeError:  # a value hiredis cannot pack: redis-py raises its usual DataError
            return super().pack_command(*args)


class PackedConnection(_HiredisPacking, Connection):
    """TCP connection with hiredis packing."""


class PackedUnixConnection(_HiredisPacking, UnixDomainSocketConnection):
    """Unix-socket connection with hiredis packing."""


class PackedSSLConnection(_HiredisPacking, SSLConnection):
    """TLS connection with hiredis packing."""


_PACKED: dict[type[AbstractConnection], type[AbstractConnection]] = {
    Connection: PackedConnection,
    UnixDomainSocketConnection: PackedUnixConnection,
    SSLConnection: PackedSSLConnection,
}


def _packed(pool: aredis.ConnectionPool) -> aredis.ConnectionPool:
    pool.connection_class = _PACKED.get(pool.connection_class, pool.connection_class)
    return pool


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
            pool = aredis.ConnectionPool.from_url(url, **options)
        else:
            pool = aredis.BlockingConnectionPool.from_url(
                url, max_connections=pool_size, timeout=POOL_WAIT_S, **options
            )
        return aredis.Redis.from_pool(_packed(pool))
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
