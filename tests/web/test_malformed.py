"""Malformed input on every route: always a JSON 4xx, never a 500, and the server keeps going."""

from __future__ import annotations

import redis
from aiohttp.test_utils import TestClient

from pykue import Queue

WEIRD = ["x", "-1", "0", "%C2%B2", "1.5", "%00", "9" * 40, "..", "1..", "..1", "%E2%80%AE"]


async def test_weird_path_segments(client: TestClient, queue: Queue) -> None:
    await queue.create("email", {})
    for w in WEIRD:
        for method, path in (
            ("GET", f"/job/{w}"),
            ("GET", f"/job/{w}/log"),
            ("PUT", f"/job/{w}/state/inactive"),
            ("PUT", f"/job/1/state/{w}"),
            ("PUT", f"/job/1/priority/{w}"),
            ("DELETE", f"/job/{w}"),
            ("GET", f"/inactive/{w}"),
            ("POST", f"/job/{w}/retry"),
            ("POST", f"/job/{w}/promote"),
            ("GET", f"/jobs/{w}"),
            ("GET", f"/jobs/{w}/0..1"),
            ("GET", f"/jobs/{w}/{w}/0..1"),
            ("GET", f"/jobs/0..1/{w}"),
            ("GET", f"/jobs/email/{w}/stats"),
            ("DELETE", f"/jobs/{w}/{w}"),
            ("GET", f"/api/jobs?state=inactive&offset={w}"),
            ("GET", f"/api/search?q={w}&before={w}"),
        ):
            response = await client.request(method, path)
            assert response.status < 500, (method, path, await response.text())
            if response.status >= 400:
                body = await response.json()
                assert isinstance(body, dict), (method, path)
                assert body["error"], (method, path)
    assert (await client.get("/stats")).status == 200
    assert await queue.count() == 1


async def test_weird_bodies(client: TestClient, queue: Queue) -> None:
    headers = {"Content-Type": "application/json"}
    bodies = ["null", "5", "true", '"s"', "[[[]]]", "[" * 5000, '{"type": 5}', '{"type": ""}',
              '{"type": "x", "data": {"a": NaN}}', '{"type":"x","options":{"delay":-5}}',
              '{"type":"x","options":{"attempts":"many"}}', '{"type":"x","options":{"ttl":1e400}}',
              '{"type":"x\\n"}', "\xff\xfe"]  # fmt: skip
    for body in bodies:
        response = await client.post("/job", data=body.encode("utf-8", "surrogateescape"),
                                     headers=headers)  # fmt: skip
        assert response.status in (204, 400), (body[:40], await response.text())
    assert await queue.count() == 0


async def test_odd_values_written_by_other_clients(
    client: TestClient, queue: Queue, sync_redis: redis.Redis
) -> None:
    job = await queue.create("email", {})
    sync_redis.hset(f"q:job:{job.id}", mapping={"priority": "9" * 30, "data": "{not json",
                                                "progress": "abc"})  # fmt: skip
    single = await client.get(f"/job/{job.id}")
    assert single.status == 200
    body = await single.json()
    assert body["priority"] == int("9" * 30)
    assert body["data"] == "{not json"
    listed = await client.get("/jobs/0..10")
    assert listed.status == 200
    assert (await client.put(f"/job/{job.id}/priority/{'9' * 30}")).status == 400
