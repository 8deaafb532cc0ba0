"""Building Redis clients: bad URLs are a clear RedisUnavailable, nothing is sent early."""

from __future__ import annotations

import pytest

from pykue import RedisUnavailable
from pykue.core import connection


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/0", "rediss://example.invalid:6380", "unix:///tmp/r.sock"]
)
def test_connect_builds_without_io(url: str) -> None:
    client = connection.connect(url)
    assert client.get_encoder().decode_responses is True


@pytest.mark.parametrize("url", ["http://localhost", "localhost:6379", ""])
def test_bad_url(url: str) -> None:
    with pytest.raises(RedisUnavailable, match="invalid Redis URL"):
        connection.connect(url)


def test_bounded_pool() -> None:
    client = connection.connect("redis://127.0.0.1:6379/0", pool_size=7)
    assert client.connection_pool.max_connections == 7
    assert client.get_encoder().decode_responses is True
