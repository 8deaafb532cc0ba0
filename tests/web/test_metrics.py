"""/metrics (Prometheus text, from Redis at scrape time) and /healthz."""

from __future__ import annotations

import redis
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from pykue import Queue
from pykue.core import codec


async def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def test_job_gauges(client: TestClient, queue: Queue) -> None:
    await queue.create("email", {})
    job = await queue.create("email", {})
    await queue.set_state(job.id, "failed")
    await queue.create("video", {}, delay=1000)
    samples = await scrape(client)
    assert samples[("pykue_jobs", (("state", "inactive"), ("type", "email")))] == 1
    assert samples[("pykue_jobs", (("state", "failed"), ("type", "email")))] == 1
    assert samples[("pykue_jobs", (("state", "delayed"), ("type", "video")))] == 1
    assert samples[("pykue_jobs", (("state", "complete"), ("type", "video")))] == 0


async def test_counters_and_histogram_from_worker_keys(
    client: TestClient, sync_redis: redis.Redis
) -> None:
    sync_redis.hset("q:pykue:stats:completed", mapping={"email": 12, "video": "oops"})
    sync_redis.hset("q:pykue:stats:failed", "email", 3)
    sync_redis.hset(
        "q:pykue:stats:duration",
        mapping={"email|5": 2, "email|100": 9, "email|+Inf": 12, "email|sum": 4500,
                 "email|count": 12},
    )  # fmt: skip
    sync_redis.set("q:stats:work-time", 4500)
    samples = await scrape(client)
    assert samples[("pykue_jobs_completed_total", (("type", "email"),))] == 12
    assert samples[("pykue_jobs_completed_total", (("type", "video"),))] == 0
    assert samples[("pykue_jobs_failed_total", (("type", "email"),))] == 3
    bucket = "pykue_job_duration_seconds_bucket"
    assert samples[(bucket, (("le", "0.005"), ("type", "email")))] == 2
    assert samples[(bucket, (("le", "0.05"), ("type", "email")))] == 2  # missing: carried up
    assert samples[(bucket, (("le", "0.1"), ("type", "email")))] == 9
    assert samples[(bucket, (("le", "60.0"), ("type", "email")))] == 9
    assert samples[(bucket, (("le", "+Inf"), ("type", "email")))] == 12
    assert samples[("pykue_job_duration_seconds_sum", (("type", "email"),))] == 4.5
    assert samples[("pykue_job_duration_seconds_count", (("type", "email"),))] == 12
    assert samples[("pykue_work_time_seconds_total", ())] == 4.5


async def test_metrics_on_empty_redis(client: TestClient) -> None:
    samples = await scrape(client)
    assert samples[("pykue_workers_alive", ())] == 0


async def test_healthz_and_workers(client: TestClient, sync_redis: redis.Redis) -> None:
    response = await client.get("/healthz")
    assert await response.json() == {"status": "ok", "redis": True, "workers": 0}
    need = await client.get("/healthz?workers=1")
    assert need.status == 503
    now = codec.now_ms()
    sync_redis.zadd("q:pykue:workers", {"w1": now, "w2": now - 1000, "dead": now - 3_600_000})
    response = await client.get("/healthz?workers=1")
    assert response.status == 200
    assert (await response.json())["workers"] == 2
    samples = await scrape(client)
    assert samples[("pykue_workers_alive", ())] == 2
