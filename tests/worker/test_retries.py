"""Attempts, each backoff, and delayed jobs."""

from __future__ import annotations

from typing import Any

import redis

from pykue import Queue
from pykue.core.job import Job
from pykue.worker import JobContext
from tests.worker import backoffs
from tests.worker.conftest import drain_messages, running, settled, wait_for


def failing(app: Queue, job_type: str, seen: list[tuple[int, Any]], **options: Any) -> None:
    """A handler that records (attempt, delay field) and fails all but the 3rd attempt."""

    @app.process(job_type, **options)
    async def handle(job: Job, ctx: JobContext) -> str:
        seen.append((ctx.attempt, job.delay))
        if ctx.attempt < 3:
            raise RuntimeError(f"try {ctx.attempt}")
        return "ok"


async def run_one(app: Queue, job_type: str, **options: Any) -> Job:
    job = await app.create(job_type, attempts=3, **options)
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    return await app.get(job.id)


async def test_retry_without_backoff_requeues_at_once(app: Queue) -> None:
    seen: list[tuple[int, Any]] = []
    failing(app, "plain", seen)
    done = await run_one(app, "plain")
    assert done.state == "complete"
    assert [a for a, _ in seen] == [1, 2, 3]
    assert done.attempts_made == 3
    assert await app.log_lines(done.id) == ["RuntimeError: try 1", "RuntimeError: try 2"]


async def test_fixed_backoff(app: Queue) -> None:
    seen: list[tuple[int, Any]] = []
    failing(app, "fixed", seen)
    done = await run_one(app, "fixed", backoff={"type": "fixed", "delay": 60})
    assert seen == [(1, None), (2, 60), (3, 60)]
    assert done.state == "complete"
    assert done.promote_at is not None
    assert done.failed_at is not None
    assert done.promote_at - done.failed_at == 60


async def test_exponential_backoff_follows_kues_formula(app: Queue) -> None:
    seen: list[tuple[int, Any]] = []
    failing(app, "expo", seen)
    await run_one(app, "expo", backoff={"type": "exponential", "delay": 40})
    assert seen == [(1, None), (2, 20), (3, 60)]


async def test_exponential_backoff_cap(app: Queue) -> None:
    seen: list[tuple[int, Any]] = []
    failing(app, "capped", seen)
    await run_one(app, "capped", backoff={"type": "exponential", "delay": 100, "maxDelay": 120})
    assert seen == [(1, None), (2, 50), (3, 70)]


async def test_custom_backoff_function_of_the_job(app: Queue) -> None:
    seen: list[tuple[int, Any]] = []
    failing(app, "custom", seen)
    await run_one(app, "custom", backoff=backoffs.linear)
    assert seen == [(1, None), (2, 25), (3, 50)]


async def test_backoff_of_the_handler(app: Queue) -> None:
    seen: list[tuple[int, Any]] = []
    failing(app, "handler-backoff", seen, backoff=backoffs.doubling)
    await run_one(app, "handler-backoff")
    assert seen == [(1, None), (2, 10), (3, 20)]


async def test_backoff_true_reuses_the_jobs_delay(app: Queue) -> None:
    seen: list[tuple[int, Any]] = []
    failing(app, "true", seen)
    done = await run_one(app, "true", backoff=True, delay=30)
    assert seen == [(1, 30), (2, 30), (3, 30)]
    assert done.state == "complete"


async def test_exhausted_attempts_fail_for_good_with_kues_events(
    app: Queue, sync_redis: redis.Redis
) -> None:
    @app.process("doomed")
    async def handle(job: Job) -> None:
        raise KeyError("nope")

    pubsub = sync_redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(app.keys.events)
    job = await app.create("doomed", attempts=2)
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    events = [m.split('"event":"')[1].split('"')[0] for m in drain_messages(pubsub, 8)]
    assert events == [
        "enqueue",
        "start",
        "error",
        "enqueue",
        "failed attempt",
        "start",
        "error",
        "failed",
    ]
    failed = await app.get(job.id)
    assert failed.state == "failed"
    assert failed.attempts_made == 2
    assert failed.attempts_remaining == 0


async def test_delayed_job_runs_after_its_delay(app: Queue) -> None:
    started: list[int] = []

    @app.process("later")
    async def handle(job: Job) -> None:
        started.append(job.id)

    job = await app.create("later", delay=300)
    assert (await app.get(job.id)).state == "delayed"
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    done = await app.get(job.id)
    assert done.started_at is not None
    assert done.created_at is not None
    assert done.started_at - done.created_at >= 300
    assert started == [job.id]
