"""Routes beyond Kue: paged lists, bounded search, history, retry/promote, bulk actions."""

from __future__ import annotations

import redis
from aiohttp.test_utils import TestClient

from pykue import Queue
from pykue.core import admin, codec


async def ids_of(client: TestClient, path: str) -> list[int]:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    return [j["id"] for j in (await response.json())["jobs"]]


async def test_paged_lists_sorted_by_queue_order(client: TestClient, queue: Queue) -> None:
    created = await queue.create_many([{"type": "email"} for _ in range(25)])
    await queue.set_priority(created[10].id, "critical")
    response = await client.get("/api/jobs?state=inactive&limit=10")
    body = await response.json()
    assert body["total"] == 25
    assert [j["id"] for j in body["jobs"]][:3] == [11, 1, 2]
    assert await ids_of(client, "/api/jobs?state=inactive&offset=20&limit=10") == [
        21,
        22,
        23,
        24,
        25,
    ]
    assert await ids_of(client, "/api/jobs?state=inactive&limit=3&sort=desc") == [25, 24, 23]
    assert await ids_of(client, "/api/jobs?state=inactive&offset=24&limit=3&sort=desc") == [11]
    assert await ids_of(client, "/api/jobs?state=inactive&offset=99") == []
    assert await ids_of(client, "/api/jobs?state=complete&type=email") == []


async def test_paged_list_bad_parameters(client: TestClient) -> None:
    for query in ("state=bogus", "type=email", "state=failed&limit=0", "state=failed&limit=5000",
                  "state=failed&offset=-1", "state=failed&offset=x"):  # fmt: skip
        response = await client.get(f"/api/jobs?{query}")
        assert response.status == 400, query
        assert (await response.json())["error"]


async def test_search_by_id_type_and_data(client: TestClient, queue: Queue) -> None:
    await queue.create_many([{"type": "email", "data": {"to": f"user{i}@example.com"}}
                             for i in range(30)])  # fmt: skip
    await queue.create("report", {"title": "Quarterly numbers"})
    assert await ids_of(client, "/api/search?q=17") == [17]
    assert await ids_of(client, "/api/search?q=quarterly") == [31]
    assert await ids_of(client, "/api/search?q=REPORT&state=inactive") == [31]
    assert await ids_of(client, "/api/search?q=user2") == [
        30,
        29,
        28,
        27,
        26,
        25,
        24,
        23,
        22,
        21,
        3,
    ]
    assert await ids_of(client, "/api/search?q=user2&state=failed") == []
    assert (await client.get("/api/search?q=")).status == 400
    assert await ids_of(client, "/api/search?q=%C2%B2") == []


async def test_search_is_bounded_and_resumable(queue: Queue) -> None:
    await queue.create_many([{"type": "t", "data": {"n": i}} for i in range(50)])
    first = await admin.search(queue, '"n"', window=20, limit=100)
    assert first.ids == list(range(50, 30, -1))
    assert (first.scanned, first.next_before) == (20, 31)
    second = await admin.search(queue, '"n"', window=20, limit=100, before=first.next_before)
    assert second.ids == list(range(30, 10, -1))
    limited = await admin.search(queue, '"n"', window=20, limit=5)
    assert limited.ids == [50, 49, 48, 47, 46]
    assert limited.next_before == 46


async def test_history(client: TestClient, queue: Queue, sync_redis: redis.Redis) -> None:
    minute = codec.now_ms() // 60_000
    sync_redis.hset("q:pykue:history:complete", mapping={str(minute): 5, str(minute - 59): 2,
                                                         str(minute - 60): 99})  # fmt: skip
    sync_redis.hset("q:pykue:history:failed", str(minute - 1), "junk")
    body = await (await client.get("/api/history")).json()
    assert len(body["minutes"]) == 60
    assert body["minutes"][-1] == minute
    assert body["complete"][-1] == 5
    assert body["complete"][0] == 2
    assert sum(body["complete"]) == 7
    assert body["failed"] == [0] * 60


async def test_retry_and_promote(client: TestClient, queue: Queue, sync_redis: redis.Redis) -> None:
    failed = await queue.create("flaky", {})
    await queue.set_state(failed.id, "failed")
    response = await client.post(f"/job/{failed.id}/retry")
    assert await response.json() == {"message": f"job {failed.id} queued again"}
    assert (await queue.get(failed.id)).state == "inactive"
    again = await client.post(f"/job/{failed.id}/retry")
    assert again.status == 400
    assert "not failed" in (await again.json())["error"]
    delayed = await queue.create("later", {}, delay=60_000)
    assert (await client.post(f"/job/{delayed.id}/promote")).status == 200
    assert (await queue.get(delayed.id)).state == "inactive"
    assert sync_redis.zcard("q:jobs:delayed") == 0
    assert sync_redis.llen("q:later:jobs") == 1
    assert (await client.post(f"/job/{delayed.id}/promote")).status == 400
    assert (await client.post("/job/999/retry")).status == 404


async def test_bulk_retry_and_remove(
    client: TestClient, queue: Queue, sync_redis: redis.Redis
) -> None:
    jobs = await queue.create_many([{"type": "flaky"} for _ in range(7)])
    for job in jobs[:5]:
        await queue.set_state(job.id, "failed")
    other = await queue.create("other", {})
    await queue.set_state(other.id, "failed")
    response = await client.post("/jobs/flaky/failed/retry")
    assert await response.json() == {"message": "5 failed flaky jobs queued again", "count": 5}
    assert await queue.count("inactive", "flaky") == 7
    assert await queue.count("failed") == 1
    for job in jobs[:3]:
        await queue.set_state(job.id, "failed")
    removed = await client.delete("/jobs/flaky/failed")
    assert (await removed.json())["count"] == 3
    assert await queue.count(None, None) == 5
    assert sync_redis.exists(f"q:job:{jobs[0].id}") == 0
    assert (await client.delete("/jobs/flaky/active")).status == 400
    assert (await client.delete("/jobs/flaky/bogus")).status == 400
    assert await queue.count("inactive", "flaky") == 4
