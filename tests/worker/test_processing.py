"""Taking and running jobs: order, concurrency, handlers, results, errors, events."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import orjson
import redis

from pykue import Queue
from pykue.core.job import Job
from pykue.worker import JobContext, SyncJobContext
from tests.worker.conftest import drain_messages, running, settled, wait_for


async def test_jobs_run_in_kue_order_priority_then_id(app: Queue) -> None:
    order: list[int] = []

    @app.process("mail")
    async def handle(job: Job) -> None:
        order.append(job.id)

    low = await app.create("mail", priority="low")
    normal1 = await app.create("mail")
    critical = await app.create("mail", priority="critical")
    normal2 = await app.create("mail")
    high = await app.create("mail", priority="high")
    ids = [low.id, normal1.id, critical.id, normal2.id, high.id]
    async with running(app):
        await wait_for(lambda: settled(app, *ids))
    assert order == [critical.id, high.id, normal1.id, normal2.id, low.id]


async def test_concurrency_is_a_limit_per_type(app: Queue) -> None:
    now = peak = 0

    @app.process("video", concurrency=3)
    async def handle(job: Job) -> None:
        nonlocal now, peak
        now += 1
        peak = max(peak, now)
        await asyncio.sleep(0.03)
        now -= 1

    jobs = await app.create_many([{"type": "video"} for _ in range(12)])
    async with running(app):
        await wait_for(lambda: settled(app, *(j.id for j in jobs)))
    assert peak == 3


async def test_sync_handler_runs_in_a_thread_with_a_blocking_context(app: Queue) -> None:
    threads: list[str] = []

    @app.process("resize")
    def handle(job: Job, ctx: SyncJobContext) -> dict[str, Any]:
        threads.append(threading.current_thread().name)
        ctx.log("step %d of %s", 1, "two")
        ctx.progress(1, 2, {"stage": "half"})
        return {"size": job.data["n"] * 2, "attempt": ctx.attempt}

    job = await app.create("resize", {"n": 21})
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    done = await app.get(job.id)
    assert done.state == "complete"
    assert done.result == {"size": 42, "attempt": 1}
    assert done.progress == 100
    assert done.progress_data == {"stage": "half"}
    assert await app.log_lines(job.id) == ["step 1 of two"]
    assert threads
    assert threads[0] != threading.main_thread().name


async def test_async_handler_context(app: Queue) -> None:
    @app.process("report")
    async def handle(job: Job, ctx: JobContext) -> str:
        await ctx.progress(3, 4)
        await ctx.log({"an": "object"})
        return ctx.worker_id

    job = await app.create("report")
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    done = await app.get(job.id)
    assert done.result == done.worker_id
    assert done.worker_id is not None
    assert done.worker_id.startswith("kue:")
    assert done.worker_id.endswith(":report:1")
    assert await app.log_lines(job.id) == ["{ an: 'object' }"]


async def test_results_follow_kue(app: Queue) -> None:
    values: dict[int, Any] = {}

    @app.process("calc", concurrency=4)
    async def handle(job: Job) -> Any:
        return values[job.id]

    jobs = [await app.create("calc") for _ in range(4)]
    values.update({jobs[0].id: 0, jobs[1].id: "", jobs[2].id: [], jobs[3].id: {1, 2}})
    async with running(app):
        await wait_for(lambda: settled(app, *(j.id for j in jobs)))
    got = [await app.get(j.id) for j in jobs]
    assert all(j.state == "complete" for j in got)
    assert "result" not in got[0].fields
    assert "result" not in got[1].fields
    assert got[2].fields["result"] == "[]"
    assert got[3].result["error"] is True
    assert got[3].result["message"].startswith('Invalid JSON Result: "')


async def test_an_exception_fails_the_attempt_as_kue_records_it(
    app: Queue, sync_redis: redis.Redis
) -> None:
    @app.process("flaky")
    async def handle(job: Job) -> None:
        raise ValueError("boom")

    job = await app.create("flaky")
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    failed = await app.get(job.id)
    assert failed.state == "failed"
    assert failed.error is not None
    assert failed.error.startswith("ValueError: boom\n")
    assert "raise ValueError" in failed.error
    assert failed.attempts_made == 1
    assert failed.failed_at is not None
    assert await app.log_lines(job.id) == ["ValueError: boom"]
    assert sync_redis.hget(app.keys.counter("failed"), "flaky") == "1"


async def test_events_have_kues_exact_json(app: Queue, sync_redis: redis.Redis) -> None:
    @app.process("ev")
    async def handle(job: Job) -> dict[str, int]:
        return {"b": 1, "a": 2}

    pubsub = sync_redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(app.keys.events)
    job = await app.create("ev")
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    messages = drain_messages(pubsub, 3)
    i = job.id
    assert messages == [
        f'{{"id":{i},"event":"enqueue","args":["enqueue","ev"]}}',
        f'{{"id":{i},"event":"start","args":["start","ev",null]}}',
        f'{{"id":{i},"event":"complete","args":["complete",{{"b":1,"a":2}},null]}}',
    ]


async def test_completion_bookkeeping_and_metrics(app: Queue, sync_redis: redis.Redis) -> None:
    @app.process("m")
    async def handle(job: Job) -> None:
        return None

    jobs = await app.create_many([{"type": "m"}, {"type": "m"}])
    removed = await app.create("m", remove_on_complete=True)
    async with running(app):
        await wait_for(lambda: settled(app, *(j.id for j in jobs)))
        await wait_for(lambda: _gone(sync_redis, app.keys.job(removed.id)))
    k = app.keys
    assert sync_redis.hget(k.counter("completed"), "m") == "3"
    assert sum(int(v) for v in sync_redis.hvals(k.history("complete"))) == 3
    durations = sync_redis.hgetall(k.durations)
    assert durations["m|count"] == "3"
    assert durations["m|+Inf"] == "3"
    assert int(sync_redis.get(k.work_time) or 0) >= 0
    assert sync_redis.zcard(k.state("active")) == 0
    assert sync_redis.zcard(k.leases) == 0
    assert sync_redis.hlen(k.owners) == 0
    assert sync_redis.zscore(k.jobs, f"0{len(str(removed.id))}|{removed.id}") is None
    assert sync_redis.zcard(k.state("complete")) == 2


async def _gone(client: redis.Redis, key: str) -> bool:
    return not client.exists(key)


async def test_tokens_stay_consistent_for_node_workers(app: Queue, sync_redis: redis.Redis) -> None:
    @app.process("tok", concurrency=5)
    async def handle(job: Job) -> None:
        await asyncio.sleep(0.005)

    jobs = await app.create_many([{"type": "tok"} for _ in range(40)])
    async with running(app):
        await wait_for(lambda: settled(app, *(j.id for j in jobs)))
        extra = await app.create_many([{"type": "tok"} for _ in range(3)])
        await wait_for(lambda: settled(app, *(j.id for j in extra)))
    assert sync_redis.llen(app.keys.tokens("tok")) == 0
    late = await app.create("tok")
    assert sync_redis.llen(app.keys.tokens("tok")) == 1
    assert orjson.loads(orjson.dumps(late.id)) == late.id


async def test_scripts_are_reloaded_after_script_flush(app: Queue, sync_redis: redis.Redis) -> None:
    @app.process("flush")
    async def handle(job: Job) -> str:
        return "ok"

    async with running(app):
        first = await app.create("flush")
        await wait_for(lambda: settled(app, first.id))
        sync_redis.script_flush()
        second = await app.create("flush")
        await wait_for(lambda: settled(app, second.id))
    assert (await app.get(second.id)).state == "complete"
