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
from pykue.worker import Worker

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
