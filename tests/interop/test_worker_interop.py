"""A Node Kue worker and pykue workers consume one queue: every job is completed exactly once."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest
import redis

from pykue import Queue, Settings
from pykue.core.job import Job
from pykue.worker import JobContext, Worker
from tests.interop.peer import kue_peer
from tests.support.redis_server import RedisServer
from tests.worker.conftest import running, settled, wait_for

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
RUNS = "test:runs"
JOBS = 400


@pytest.fixture
def node() -> str:
    found = shutil.which("node")
    assert found, "node is required for the interop tests"
    assert (NODE_DIR / "node_modules" / "kue").is_dir(), "run npm install in tests/node"
    return found


async def _start_node(node: str, redis_url: str) -> asyncio.subprocess.Process:
    options = {
        "port": urlparse(redis_url).port,
        "type": "interop",
        "concurrency": 3,
        "runs": RUNS,
        "sleep": 3,
    }
    process = await asyncio.create_subprocess_exec(
        node,
        str(NODE_DIR / "kue_worker.js"),
        json.dumps(options),
        cwd=NODE_DIR,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 20)
    assert json.loads(line) == {"ready": True}
    return process


async def test_node_kue_and_pykue_workers_share_a_queue(
    node: str, settings: Settings, redis_url: str, sync_redis: redis.Redis
) -> None:
    app = Queue(settings=settings.replace(lease_ms=1000, promote_interval_ms=100))

    @app.process("interop", concurrency=3)
    async def handle(job: Job) -> dict[str, str]:
        await app.client.rpush(RUNS, f"py:{job.id}")
        await asyncio.sleep(0.003)
        return {"by": "pykue"}

    await app.connect()
    node_worker = await _start_node(node, redis_url)
    worker = Worker(app, poll_s=0.2)
    await worker.start()
    try:
        half = JOBS // 2
        first = await app.create_many([{"type": "interop", "data": {"n": i}} for i in range(half)])
        second = [await app.create("interop", {"n": i}) for i in range(half, JOBS)]
        ids = [j.id for j in first + second]
        await _all_complete(app)
        # Every token was consumed with its job (Node's shutdown then pushes one back per
        # idle worker, as Kue does).
        assert sync_redis.llen(app.keys.tokens("interop")) == 0
    finally:
        await worker.stop()
        assert node_worker.stdin is not None
        node_worker.stdin.close()
        await asyncio.wait_for(node_worker.wait(), 15)
    runs = Counter(sync_redis.lrange(RUNS, 0, -1))
    by_id = Counter(run.split(":")[1] for run in runs.elements())
    assert sorted(int(i) for i in by_id) == sorted(ids)
    assert set(by_id.values()) == {1}, "a job ran twice"
    assert any(r.startswith("node:") for r in runs)
    assert any(r.startswith("py:") for r in runs)
    jobs = await app.get_many(ids)
    assert {j.state for j in jobs} == {"complete"}
    assert {j.result["by"] for j in jobs} == {"node", "pykue"}
    assert all(j.attempts_made == 1 for j in jobs)
    assert all(j.worker_id and j.worker_id.startswith("kue:") for j in jobs)
    for state in ("inactive", "active", "failed"):
        assert await app.count(state) == 0
    await app.close()


async def _all_complete(app: Queue) -> None:
    deadline = asyncio.get_running_loop().time() + 60
    while await app.count("complete", "interop") < JOBS:
        assert asyncio.get_running_loop().time() < deadline, "jobs not completed in time"
        await asyncio.sleep(0.1)


async def test_pykue_worker_runs_jobs_a_node_producer_created(
    settings: Settings, sync_redis: redis.Redis, redis_server: RedisServer
) -> None:
    app = Queue(settings=settings.replace(lease_ms=1000, promote_interval_ms=50))
    runs: list[tuple[int, int]] = []

    @app.process("from-node")
    async def handle(job: Job, ctx: JobContext) -> str:
        runs.append((job.id, ctx.attempt))
        if job.data.get("fail") and ctx.attempt == 1:
            raise RuntimeError("first attempt fails")
        return job.data["title"]

    jobs = [
        {"type": "from-node", "data": {"title": "low"}, "priority": "low"},
        {"type": "from-node", "data": {"title": "critical"}, "priority": "critical"},
        {
            "type": "from-node",
            "data": {"title": "js backoff", "fail": True},
            "attempts": 2,
            "delay": 40,
            "backoffFn": "function (attempts, delay) { return attempts * 1000; }",
        },
        {
            "type": "from-node",
            "data": {"title": "exp", "fail": True},
            "attempts": 2,
            "backoff": {"type": "exponential", "delay": 60},
        },
    ]
    with kue_peer("produce", redis_server.port, jobs=jobs) as peer:
        ids = [int(i) for i in peer.ready]
    await app.connect()
    async with running(app):
        await wait_for(lambda: settled(app, *ids))
    done = await app.get_many(ids)
    assert [j.state for j in done] == ["complete"] * 4
    assert [j.result for j in done] == ["low", "critical", "js backoff", "exp"]
    order = [i for i, attempt in runs if attempt == 1 and i in (ids[0], ids[1])]
    assert order == [ids[1], ids[0]]
    js = done[2]
    assert js.fields["backoff"].startswith("function")  # never rewritten
    assert js.delay == 40  # a JS function cannot run in Python: the job's own delay is used
    assert done[3].delay == 30  # Kue's exponential formula: 60/2 * (2^1 - 1)
    assert sync_redis.llen(app.keys.tokens("from-node")) == 0
    await app.close()
