"""Chaos: worker processes are SIGKILLed while they work; every job still ends complete."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from collections import Counter

import redis

from pykue import Queue
from pykue.cluster import ExitCode
from pykue.core.keys import Keys
from tests.cluster.apps import RUNS_KEY
from tests.cluster.support import WorkerCommand

JOBS = 5_000
PROCESSES = 3
CONCURRENCY = 10
KILL_EVERY_S = 0.5
KILL_FOR_S = 4.0


def test_jobs_survive_kill_9_of_random_workers(redis_url: str, sync_redis: redis.Redis) -> None:
    async def create() -> None:
        async with Queue(redis_url) as queue:
            await queue.create_many([{"type": "chaos", "options": {"attempts": 50}}] * JOBS)

    asyncio.run(create())
    keys = Queue(redis_url).keys
    command = WorkerCommand(redis_url, "tests.cluster.apps:chaos", PROCESSES)
    rng = random.Random(7)
    kills = 0
    try:
        command.wait_for(r"worker \d ready", times=PROCESSES)
        end = time.monotonic() + KILL_FOR_S
        while time.monotonic() < end:
            time.sleep(KILL_EVERY_S)
            workers = command.workers()
            if workers:
                os.kill(rng.choice(workers), signal.SIGKILL)
                kills += 1
        deadline = time.monotonic() + 60
        while sync_redis.zcard(keys.state("complete")) < JOBS:
            assert time.monotonic() < deadline, _status(sync_redis, keys)
            time.sleep(0.1)
        command.process.send_signal(signal.SIGTERM)
        assert command.process.wait(30) == ExitCode.OK
    finally:
        command.stop()
    runs = Counter(sync_redis.lrange(RUNS_KEY, 0, -1))
    duplicates = sum(n - 1 for n in runs.values())
    print(f"\nchaos: {JOBS} jobs, {kills} kills, {duplicates} duplicate executions")
    assert len(runs) == JOBS
    assert kills >= 5
    assert duplicates <= kills * CONCURRENCY
    for state in ("inactive", "active", "failed", "delayed"):
        assert sync_redis.zcard(keys.state(state)) == 0, state
    assert sync_redis.zcard(keys.leases) == 0
    assert sync_redis.llen(keys.tokens("chaos")) == 0
    assert command.count("restarting") >= kills - 1


def _status(client: redis.Redis, keys: Keys) -> str:
    counts = {s: client.zcard(keys.state(s)) for s in ("inactive", "active", "complete", "failed")}
    return f"not all complete: {counts}"
