"""The embedded Redis: a real redis-server on a unix socket under a data directory."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import redis

from pykue import Queue, Settings
from pykue.core.embedded import EmbeddedRedis, ping_unix


@pytest.fixture
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # unix socket paths are limited to ~100 bytes: keep it short
    return Path(tmp_path_factory.mktemp("emb"))


def _other_process(data_dir: Path, code: str) -> str:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from pykue.core.embedded import EmbeddedRedis
        import redis
        server = EmbeddedRedis(Path({str(data_dir)!r}))
        url = server.start()
        client = redis.Redis.from_url(url, decode_responses=True)
        """
    ) + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True
    )
    return done.stdout.strip()


def test_start_reuse_stop(data_dir: Path) -> None:
    server = EmbeddedRedis(data_dir)
    url = server.start()
    try:
        assert url == f"unix://{data_dir.resolve()}/redis.sock"
        assert server.owned
        assert ping_unix(server.socket_path)
        client = redis.Redis.from_url(url, decode_responses=True)
        client.set("from-owner", "1")
        # a second process reuses the running server, and does not stop it on exit
        out = _other_process(
            data_dir,
            """
            print(server.owned, client.get("from-owner"))
            client.set("from-other", "2")
            server.stop()
            """,
        )
        assert out == "False 1"
        assert ping_unix(server.socket_path)
        assert client.get("from-other") == "2"
        assert (data_dir / "appendonlydir").exists() or (data_dir / "appendonly.aof").exists()
        client.close()
    finally:
        server.stop()
    assert not ping_unix(server.socket_path)


def test_data_survives_restart(data_dir: Path) -> None:
    first = EmbeddedRedis(data_dir)
    client = redis.Redis.from_url(first.start(), decode_responses=True)
    client.set("kept", "yes")
    client.close()
    first.stop()
    second = EmbeddedRedis(data_dir)
    try:
        client = redis.Redis.from_url(second.start(), decode_responses=True)
        assert second.owned
        assert client.get("kept") == "yes"
        client.close()
    finally:
        second.stop()


async def test_queue_without_redis_url_uses_embedded(data_dir: Path) -> None:
    settings = Settings.from_env({"PYKUE_DATA_DIR": str(data_dir)})
    async with Queue(settings=settings) as queue:
        assert queue.url.startswith("unix://")
        job = await queue.create("email", {"persisted": True})
    assert not ping_unix(data_dir / "redis.sock")
    async with Queue(settings=settings) as queue:
        assert (await queue.get(job.id)).data == {"persisted": True}
