"""TTL: a run longer than the job's ttl fails that attempt; Kue's ttl-exceeded protocol."""

from __future__ import annotations

import asyncio
import threading
import time

import redis

from pykue import Queue
from pykue.core.job import Job
from pykue.worker import JobContext
from tests.worker.conftest import drain_messages, running, settled, wait_for


async def test_async_handler_past_its_ttl_is_cancelled_and_fails(app: Queue) -> None:
    cancelled = asyncio.Event()

    @app.process("slow")
    async def handle(job: Job) -> None:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    job = await app.create("slow", ttl=150)
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    failed = await app.get(job.id)
    assert failed.state == "failed"
    assert failed.error == "TTL exceeded"
    assert await app.log_lines(job.id) == ["TTL exceeded"]
    assert cancelled.is_set()


async def test_progress_restarts_the_ttl_clock(app: Queue) -> None:
    @app.process("steady")
    async def handle(job: Job, ctx: JobContext) -> str:
        for step in range(8):
            await asyncio.sleep(0.1)
            await ctx.progress(step + 1, 8)
        return "done"

    job = await app.create("steady", ttl=500)
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    assert (await app.get(job.id)).state == "complete"


async def test_sync_handler_past_its_ttl_fails_and_its_late_result_is_discarded(
    app: Queue,
) -> None:
    finished = threading.Event()

    @app.process("blocking")
    def handle(job: Job) -> str:
        time.sleep(0.4)
        finished.set()
        return "too late"

    job = await app.create("blocking", ttl=100)
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
        await asyncio.to_thread(finished.wait, 5)
        await asyncio.sleep(0.1)
    failed = await app.get(job.id)
    assert failed.state == "failed"
    assert failed.error == "TTL exceeded"
    assert "result" not in failed.fields


async def test_kues_ttl_exceeded_message_fails_the_job_and_is_acknowledged(
    app: Queue, sync_redis: redis.Redis
) -> None:
    started = asyncio.Event()

    @app.process("watched")
    async def handle(job: Job) -> None:
        started.set()
        await asyncio.sleep(30)

    job = await app.create("watched", ttl=20_000)
    async with running(app) as worker:
        await asyncio.wait_for(started.wait(), 5)
        active = worker.held(job.id)
        assert active is not None
        watch = worker._env.ttl_watch if worker._env else None
        assert watch is not None
        await asyncio.wait_for(watch.subscribed.wait(), 5)
        pubsub = sync_redis.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(app.keys.events)
        message = f'{{"id":{job.id},"event":"ttl exceeded","args":["ttl exceeded"]}}'
        sync_redis.publish(app.keys.events, message)
        await wait_for(lambda: settled(app, job.id))
        messages = drain_messages(pubsub, 4)
    events = [m.split('"event":"')[1].split('"')[0] for m in messages]
    assert events == ["ttl exceeded", "error", "ttl exceeded ack", "failed"]
    assert (await app.get(job.id)).error == "TTL exceeded"
