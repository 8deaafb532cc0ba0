"""Kue's JSON API routes against a real Redis: shapes as Kue's, errors as clear 4xx JSON."""

from __future__ import annotations

import redis
from aiohttp.test_utils import TestClient

from pykue import Queue

JSON = {"Content-Type": "application/json"}


async def get_json(client: TestClient, path: str, status: int = 200) -> object:
    response = await client.get(path)
    assert response.status == status, await response.text()
    return await response.json()


async def test_stats_fresh_and_in_kue_key_order(client: TestClient, queue: Queue) -> None:
    response = await client.get("/stats")
    assert await response.text() == (
        '{"inactiveCount":0,"completeCount":0,"activeCount":0,"failedCount":0,'
        '"delayedCount":0,"workTime":null}'
    )
    await queue.create("email", {})
    await queue.create("email", {}, delay=60_000)
    await queue.client.set(queue.keys.work_time, 826)
    assert await get_json(client, "/stats") == {
        "inactiveCount": 1,
        "completeCount": 0,
        "activeCount": 0,
        "failedCount": 0,
        "delayedCount": 1,
        "workTime": 826,
    }


async def test_types(client: TestClient, queue: Queue) -> None:
    await queue.create("email", {})
    await queue.create("video", {})
    assert sorted(await get_json(client, "/job/types")) == ["email", "video"]  # type: ignore[arg-type]


async def test_job_json_shape_and_id_types(
    client: TestClient, queue: Queue, sync_redis: redis.Redis
) -> None:
    job = await queue.create("email", {"title": "hi"}, priority="critical", ttl=5000)
    sync_redis.hset(
        f"q:job:{job.id}",
        mapping={
            "result": '{"sent":true}',
            "progress": "100",
            "progress_data": '{"step":"a"}',
            "error": "Error: x",
            "failed_at": "1",
            "started_at": "2",
            "duration": "3",
            "workerId": "kue:vm:1:email:1",
            "attempts": "1",
        },
    )
    single = await client.get(f"/job/{job.id}")
    body = await single.json()
    assert list(body) == [
        "id", "type", "data", "result", "priority", "progress", "progress_data", "state",
        "error", "created_at", "promote_at", "updated_at", "failed_at", "started_at",
        "duration", "workerId", "ttl", "attempts",
    ]  # fmt: skip
    assert body["id"] == str(job.id)
    assert body["progress"] == "100"
    assert body["priority"] == -15
    assert body["attempts"] == {"made": 1, "remaining": 0, "max": 1}
    listed = await get_json(client, "/jobs/0..0")
    assert listed[0]["id"] == job.id  # type: ignore[index]
    fresh = await queue.create("email", {})
    assert (await get_json(client, f"/job/{fresh.id}"))["progress"] == 0  # type: ignore[index]


async def test_unknown_job_is_404_with_kues_message(client: TestClient) -> None:
    assert await get_json(client, "/job/999", 404) == {"error": 'job "999" doesnt exist'}
    assert await get_json(client, "/job/999/log") == []


async def test_malformed_ids_are_400(client: TestClient) -> None:
    for path in (
        "/job/abc",
        "/job/-1",
        "/job/0",
        "/job/1e3",
        "/job/99999999999999999999",
        "/job/%C2%B2",
    ):
        body = await get_json(client, path, 400)
        assert "invalid job id" in body["error"]  # type: ignore[index]
    response = await client.delete("/job/x")
    assert response.status == 400
    response = await client.get("/inactive/x")
    assert response.status == 400


async def test_log(client: TestClient, queue: Queue) -> None:
    job = await queue.create("email", {})
    await queue.log(job.id, "step %d of %s", 1, "two")
    await queue.log(job.id, "done")
    assert await get_json(client, f"/job/{job.id}/log") == ["step 1 of two", "done"]


async def test_ranges_like_kue(client: TestClient, queue: Queue) -> None:
    a = await queue.create("email", {}, priority="low")
    b = await queue.create("email", {}, priority="critical")
    c = await queue.create("video", {})
    d = await queue.create("video", {}, delay=5000)
    # first members by score (b -15, c 0, d 0), the page sorted by id
    assert [j["id"] for j in await get_json(client, "/jobs/0..2")] == [b.id, c.id, d.id]  # type: ignore[attr-defined,index]
    assert [j["id"] for j in await get_json(client, "/jobs/0..2/desc")] == [d.id, c.id, b.id]  # type: ignore[attr-defined,index]
    assert [j["id"] for j in await get_json(client, "/jobs/0..-1/whatever")] == [
        a.id,
        b.id,
        c.id,
        d.id,
    ]  # type: ignore[attr-defined,index]
    inactive = await get_json(client, "/jobs/inactive/0..10")
    assert [j["id"] for j in inactive] == [a.id, b.id, c.id]  # type: ignore[attr-defined,index]
    assert [j["id"] for j in await get_json(client, "/jobs/email/inactive/0..0/asc")] == [b.id]  # type: ignore[attr-defined,index]
    assert await get_json(client, "/jobs/video/delayed/0..5/desc") == [
        (await queue.get(d.id)).to_kue_json()
    ]
    assert await get_json(client, "/jobs/email/inactive/stats") == {"count": 2}
    assert await get_json(client, "/jobs/nosuch/complete/stats") == {"count": 0}
    assert await get_json(client, "/jobs/nosuch/complete/0..10") == []


async def test_bad_ranges_and_states_are_400(client: TestClient) -> None:
    for path in (
        "/jobs/a..b",
        "/jobs/0..",
        "/jobs/bogus/0..5",
        "/jobs/email/bogus/0..5",
        "/jobs/email/bogus/stats",
        "/jobs/0..5000",
        "/jobs/x/y/z/0..5",
        "/jobs/inactive",
    ):
        body = await get_json(client, path, 400)
        assert body["error"], path  # type: ignore[index]


async def test_put_state_once_and_validated(
    client: TestClient, queue: Queue, sync_redis: redis.Redis
) -> None:
    job = await queue.create("email", {})
    await queue.set_state(job.id, "failed")
    response = await client.put(f"/job/{job.id}/state/inactive")
    assert await response.json() == {"message": "updated state"}
    assert (await queue.get(job.id)).state == "inactive"
    assert sync_redis.llen("q:email:jobs") == 2  # one at creation, ONE for the move (Kue: two)
    bogus = await client.put(f"/job/{job.id}/state/bogus")
    assert bogus.status == 400
    assert "invalid state" in (await bogus.json())["error"]
    assert sync_redis.exists("q:jobs:bogus") == 0
    missing = await client.put("/job/999/state/active")
    assert missing.status == 404


async def test_put_priority(client: TestClient, queue: Queue, sync_redis: redis.Redis) -> None:
    job = await queue.create("email", {})
    response = await client.put(f"/job/{job.id}/priority/-10")
    assert await response.json() == {"message": "updated priority"}
    assert sync_redis.zscore("q:jobs:email:inactive", "01|1") == -10
    assert (await client.put(f"/job/{job.id}/priority/low")).status == 200
    assert (await queue.get(job.id)).priority == 10
    bad = await client.put(f"/job/{job.id}/priority/urgent")
    assert bad.status == 400
    assert "invalid priority" in (await bad.json())["error"]
    assert (await queue.get(job.id)).priority == 10


async def test_delete(client: TestClient, queue: Queue, sync_redis: redis.Redis) -> None:
    job = await queue.create("email", {})
    first = await client.delete(f"/job/{job.id}")
    assert await first.json() == {"message": f"job {job.id} removed"}
    assert sync_redis.exists(f"q:job:{job.id}") == 0
    again = await client.delete(f"/job/{job.id}")
    assert again.status == 404
    assert await again.json() == {"error": f'job "{job.id}" doesnt exist'}


async def test_restart_via_inactive(
    client: TestClient, queue: Queue, sync_redis: redis.Redis
) -> None:
    job = await queue.create("flaky", {})
    await queue.set_state(job.id, "failed")
    assert await get_json(client, f"/inactive/{job.id}") == {"message": f"job {job.id} inactive"}
    assert (await queue.get(job.id)).state == "inactive"
    assert await get_json(client, "/inactive/999", 404) == {"error": 'job "999" doesnt exist'}


async def test_post_one_job(client: TestClient, queue: Queue) -> None:
    body = {
        "type": "email",
        "data": {"title": "via api"},
        "options": {
            "attempts": 3,
            "priority": "high",
            "delay": 5000,
            "backoff": {"type": "exponential", "delay": 1000},
            "ttl": 2000,
            "removeOnComplete": True,
            "searchKeys": ["title"],
        },
    }
    response = await client.post("/job", json=body)
    assert response.status == 200
    assert await response.json() == {"message": "job created", "id": 1}
    job = await queue.get(1)
    assert (job.state, job.priority, job.max_attempts, job.delay) == ("delayed", -10, 3, 5000)


async def test_post_many_and_empty(client: TestClient, queue: Queue) -> None:
    items = [{"type": "report", "data": {"n": 1}}, {"type": "report", "options": {"priority": -5}}]
    response = await client.post("/job", json=items)
    assert await response.json() == [
        {"message": "job created", "id": 1},
        {"message": "job created", "id": 2},
    ]
    for empty in ("[]", "{}", ""):
        answer = await client.post("/job", data=empty, headers=JSON)
        assert answer.status == 204
        assert await answer.read() == b""
    assert await queue.count() == 2


async def test_post_bad_jobs_create_nothing(client: TestClient, queue: Queue) -> None:
    missing = await client.post("/job", json={"data": {}})
    assert missing.status == 400
    assert await missing.json() == {"error": "Must provide job type"}
    batch = [{"type": "a"}, {"data": {"title": "no type"}}, {"type": "b"}]
    answer = await client.post("/job", json=batch)
    assert answer.status == 400
    results = await answer.json()
    assert results[1] == {"error": "Must provide job type"}
    assert "not created" in results[0]["error"]
    urgent = await client.post("/job", json={"type": "x", "options": {"priority": "urgent"}})
    assert urgent.status == 400
    assert "invalid priority" in (await urgent.json())["error"]
    for junk in ('{"type": ', "[1, 2]", '"text"', '{"type":"x","options":"fast"}'):
        bad = await client.post("/job", data=junk, headers=JSON)
        assert bad.status == 400, junk
        assert '"error":' in await bad.text()
    assert await queue.count() == 0
    assert await queue.client.get(queue.keys.ids) is None


async def test_huge_body_is_413(client: TestClient, queue: Queue) -> None:
    huge = '{"type":"x","data":"' + "a" * (5 * 1_048_576) + '"}'
    response = await client.post("/job", data=huge, headers=JSON)
    assert response.status == 413
    assert "error" in await response.json()
    too_big_data = '{"type":"x","data":"' + "a" * 1_100_000 + '"}'
    response = await client.post("/job", data=too_big_data, headers=JSON)
    assert response.status == 400
    assert await queue.count() == 0


async def test_search(client: TestClient, queue: Queue) -> None:
    await queue.create("email", {"title": "critical mail", "user": {"name": "tobi"}})
    await queue.create("email", {"title": "other mail"})
    await queue.create("report", {"title": "numbers"})
    assert await get_json(client, "/job/search?q=tobi") == ["1"]
    assert await get_json(client, "/job/search?q=MAIL") == ["2", "1"]
    assert await get_json(client, "/job/search?q=report") == ["3"]
    assert await get_json(client, "/job/search") == []


async def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    missing = await client.get("/nope")
    assert missing.status == 404
    assert "error" in await missing.json()
    wrong = await client.patch("/stats")
    assert wrong.status == 405
    assert "error" in await wrong.json()
