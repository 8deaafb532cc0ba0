"""Commands are packed by hiredis; what reaches Redis is what redis-py would have sent."""

from __future__ import annotations

import pytest
from redis.exceptions import DataError

from pykue.core import connection


async def test_clients_pack_with_hiredis_and_round_trip_every_value(redis_url: str) -> None:
    client = connection.connect(redis_url, pool_size=4)
    try:
        assert client.connection_pool.connection_class is connection.PackedConnection
        values = {"s": "ünïcode ✓", "b": b"\x00bytes", "i": 12345678901, "f": 0.1}
        await client.hset("h", mapping=values)
        assert await client.hgetall("h") == {
            "s": "ünïcode ✓",
            "b": "\x00bytes",
            "i": "12345678901",
            "f": "0.1",
        }
        # Two-word commands are split as redis-py does.
        sha = await client.script_load("return 1")
        assert await client.evalsha(sha, 0) == 1
    finally:
        await client.aclose()


async def test_values_hiredis_cannot_pack_get_redis_pys_error(redis_url: str) -> None:
    client = connection.connect(redis_url, pool_size=1)
    try:
        with pytest.raises(DataError):
            await client.set("k", None)  # type: ignore[arg-type]
        assert await client.ping()
    finally:
        await client.aclose()


async def test_unix_socket_urls_get_the_packed_unix_connection() -> None:
    client = connection.connect("unix:///nonexistent.sock", pool_size=1)
    assert client.connection_pool.connection_class is connection.PackedUnixConnection
    await client.aclose()
