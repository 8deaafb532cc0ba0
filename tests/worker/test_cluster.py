"""The worker on a real 3-node Redis Cluster (``{q}`` prefix: all of a queue's keys in one slot)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pykue import Queue, Settings
from pykue.core.job import Job
from pykue.worker import JobContext
from tests.support.redis_cluster import RedisClusterNodes
from tests.worker.conftest import running, settled, wait_for


@pytest.fixture
async def cluster_app(cluster: RedisClusterNodes) -> AsyncIterator[Queue]:
    settings = Settings.from_env(
        {"REDIS_URL": cluster.url, "PYKUE_REDIS_CLUSTER": "true", "PYKUE_PREFIX": "{q}"},
        lease_ms=600,
        promote_interval_ms=50,
    )
    async with Queue(settings=settings) as queue:
        await queue.client.flushall()
        yield queue


async def test_worker_processes_retries_and_promotes_on_a_cluster(cluster_app: Queue) -> None:
    app = cluster_app
    attempts: list[int] = []

    @app.process("email", concurrency=3)
    async def handle(job: Job, ctx: JobContext) -> dict[str, int]:
        attempts.append(ctx.attempt)
        await ctx.progress(1, 2)
        if job.data.get("flaky") and ctx.attempt == 1:
            raise RuntimeError("first try fails")
        return {"n": job.data["n"]}

    jobs = [await app.create("email", {"n": i}) for i in range(10)]
    flaky = await app.create(
        "email", {"n": 99, "flaky": True}, attempts=2, backoff={"type": "fixed", "delay": 50}
    )
    later = await app.create("email", {"n": 7}, delay=100)
    ids = [j.id for j in jobs] + [flaky.id, later.id]
    async with running(app):
        await wait_for(lambda: settled(app, *ids))
    done = await app.get_many(ids)
    assert {j.state for j in done} == {"complete"}
    assert [j.result for j in done[:10]] == [{"n": i} for i in range(10)]
    assert done[10].attempts_made == 2
    assert sorted(attempts) == [1] * 12 + [2]
    assert await app.count("active") == 0
