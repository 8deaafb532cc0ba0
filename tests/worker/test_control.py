"""Pause and resume, and graceful shutdown with nothing lost."""

from __future__ import annotations

import asyncio

import redis

from pykue import Queue
from pykue.core.job import Job
from pykue.worker import JobContext, Worker
from tests.worker.conftest import running, settled, wait_for


async def test_pause_and_resume_one_type_in_this_process(app: Queue) -> None:
    done: list[int] = []

    @app.process("a")
    async def handle_a(job: Job) -> None:
        done.append(job.id)

    @app.process("b")
    async def handle_b(job: Job) -> None:
        done.append(job.id)

    async with running(app) as worker:
        worker.pause("a")
        a = await app.create("a")
        b = await app.create("b")
        await wait_for(lambda: settled(app, b.id))
        await asyncio.sleep(0.3)
        assert (await app.get(a.id)).state == "inactive"
        worker.resume("a")
        await wait_for(lambda: settled(app, a.id))
    assert sorted(done) == [a.id, b.id]


async def test_handler_can_pause_its_type(app: Queue) -> None:
    @app.process("once")
    async def handle(job: Job, ctx: JobContext) -> None:
        ctx.pause()

    async with running(app) as worker:
        first = await app.create("once")
        await wait_for(lambda: settled(app, first.id))
        second = await app.create("once")
        await asyncio.sleep(0.3)
        assert (await app.get(second.id)).state == "inactive"
        worker.resume("once")
        await wait_for(lambda: settled(app, second.id))


async def test_pause_everywhere_stops_every_pykue_worker(
    app: Queue, sync_redis: redis.Redis
) -> None:
    @app.process("g")
    async def handle(job: Job) -> None:
        return None

    async with running(app) as worker:
        await worker.pause_everywhere("g")
        job = await app.create("g")
        await asyncio.sleep(0.4)
        assert (await app.get(job.id)).state == "inactive"
        assert sync_redis.llen(app.keys.tokens("g")) == 1
        await worker.resume_everywhere("g")
        await wait_for(lambda: settled(app, job.id))


async def test_drain_lets_running_jobs_finish(app: Queue) -> None:
    started = asyncio.Event()

    @app.process("work", concurrency=4)
    async def handle(job: Job) -> str:
        started.set()
        await asyncio.sleep(0.3)
        return "finished"

    jobs = await app.create_many([{"type": "work"} for _ in range(4)])
    worker = Worker(app, poll_s=0.2)
    await worker.start()
    await asyncio.wait_for(started.wait(), 5)
    released = await worker.stop(grace_s=5)
    assert released == 0
    got = [await app.get(j.id) for j in jobs]
    assert [j.state for j in got] == ["complete"] * 4


async def test_drain_timeout_puts_unfinished_jobs_back_without_spending_an_attempt(
    app: Queue, sync_redis: redis.Redis
) -> None:
    started = asyncio.Event()

    @app.process("stuck", concurrency=2)
    async def handle(job: Job) -> None:
        started.set()
        await asyncio.sleep(60)

    jobs = await app.create_many([{"type": "stuck", "options": {"attempts": 3}} for _ in range(3)])
    worker = Worker(app, poll_s=0.2)
    await worker.start()
    await asyncio.wait_for(started.wait(), 5)
    await wait_for(lambda: _count(app, "active", 2))
    released = await worker.stop(grace_s=0.2)
    assert released == 2
    got = [await app.get(j.id) for j in jobs]
    assert [j.state for j in got] == ["inactive"] * 3
    assert [j.attempts_made for j in got] == [0, 0, 0]
    k = app.keys
    assert sync_redis.llen(k.tokens("stuck")) == 3
    assert sync_redis.zcard(k.type_state("stuck", "inactive")) == 3
    assert sync_redis.zcard(k.state("active")) == 0
    assert sync_redis.zcard(k.leases) == 0


async def _count(queue: Queue, state: str, n: int) -> bool:
    return await queue.count(state) == n
