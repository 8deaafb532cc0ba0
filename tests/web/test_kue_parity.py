"""The same Redis read by real Kue 0.11.6's ``kue.app`` and by pykue: the same JSON answers."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from tests.support.redis_server import RedisServer, free_port

HERE = Path(__file__).parent
NODE_MODULES = HERE.parent / "node" / "node_modules"
PEER = HERE / "kue_app_peer.js"

SAME = [
    "/stats",
    "/jobs/0..10",
    "/jobs/0..2/desc",
    "/jobs/complete/0..10",
    "/jobs/failed/0..10/desc",
    "/jobs/delayed/0..10",
    "/jobs/inactive/0..10",
    "/jobs/email/complete/0..5/asc",
    "/jobs/email/complete/stats",
    "/jobs/report/inactive/0..0",
    "/job/1",
    "/job/2",
    "/job/4",
    "/job/5",
    "/job/1/log",
    "/job/5/log",
    "/job/999/log",
]


@pytest.fixture
async def kue_app(redis_server: RedisServer, redis_url: str) -> AsyncIterator[str]:
    assert (NODE_MODULES / "kue").is_dir(), "run `make pytest` (it npm-installs tests/node)"
    port = free_port()
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    process = await asyncio.create_subprocess_exec(
        "node", str(PEER), str(port), str(redis_server.port), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert line.strip() == b"ready", line
        yield f"http://127.0.0.1:{port}"
    finally:
        process.kill()
        await process.wait()


async def test_same_answers_as_kue_app(kue_app: str, client: TestClient) -> None:
    async with aiohttp.ClientSession() as http:
        for path in SAME:
            async with http.get(kue_app + path) as theirs:
                expected = await theirs.text()
            ours = await client.get(path)
            assert ours.status == 200, path
            assert await ours.text() == expected, path
        async with http.get(kue_app + "/job/types") as theirs:
            assert sorted(await theirs.json()) == await (await client.get("/job/types")).json()
        options = {"attempts": 3, "priority": "high", "delay": 5000, "ttl": 2000,
                   "backoff": {"type": "exponential", "delay": 1000}}  # fmt: skip
        created = await client.post(
            "/job", json={"type": "api", "data": {"a": 1}, "options": options}
        )
        new_id = (await created.json())["id"]
        for path in (f"/job/{new_id}", "/jobs/delayed/0..10", "/stats"):
            async with http.get(kue_app + path) as theirs:
                assert await (await client.get(path)).text() == await theirs.text(), path
        async with http.get(kue_app + "/job/999") as theirs:
            missing = await client.get("/job/999")
            assert missing.status == 404  # Kue: 200
            assert await missing.text() == await theirs.text()
