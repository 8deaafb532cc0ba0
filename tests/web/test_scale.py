"""With 100,000 jobs in Redis, no request reads more than a page (or a search window) of them."""

from __future__ import annotations

import orjson
import redis
from aiohttp.test_utils import TestClient

from pykue.core import admin
from pykue.core.keys import zid

JOBS = 100_000


def populate(sync_redis: redis.Redis) -> None:
    """100,000 inactive jobs as Kue stores them, written in bulk."""
    members = {zid(i): 0 for i in range(1, JOBS + 1)}
    with sync_redis.pipeline(transaction=False) as pipe:
        for job_id in range(1, JOBS + 1):
            data = orjson.dumps({"title": f"job {job_id}"}).decode()
            fields = {"type": "bulk", "data": data, "state": "inactive", "priority": "0"}
            pipe.hset(f"q:job:{job_id}", mapping=fields)
        pipe.zadd("q:jobs", members)
        pipe.zadd("q:jobs:inactive", members)
        pipe.zadd("q:jobs:bulk:inactive", members)
        pipe.sadd("q:job:types", "bulk")
        pipe.set("q:ids", JOBS)
        pipe.execute()


def calls(sync_redis: redis.Redis, command: str) -> int:
    return int(sync_redis.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0))


async def test_requests_stay_bounded(client: TestClient, sync_redis: redis.Redis) -> None:
    populate(sync_redis)
    sync_redis.config_resetstat()
    assert (await (await client.get("/stats")).json())["inactiveCount"] == JOBS
    page = await (await client.get("/api/jobs?state=inactive&offset=50000&limit=20")).json()
    assert page["total"] == JOBS
    assert [j["id"] for j in page["jobs"]][:2] == [50001, 50002]
    typed = await (await client.get("/api/jobs?state=inactive&type=bulk&sort=desc")).json()
    assert typed["jobs"][0]["id"] == JOBS
    assert calls(sync_redis, "hgetall") == 40
    before_search = calls(sync_redis, "hmget")
    found = await (await client.get("/api/search?q=job 99990")).json()
    assert [j["id"] for j in found["jobs"]] == [99990]
    assert found["next"] == JOBS - admin.SEARCH_WINDOW + 1
    # the window, plus a few HMGETs of the live loop's chart data
    assert calls(sync_redis, "hmget") - before_search <= admin.SEARCH_WINDOW + 10
    too_many = await client.get("/jobs/0..-1")
    assert too_many.status == 400
    assert calls(sync_redis, "hgetall") == 41  # the one found job
