"""At-least-once delivery: leases, recovery under one leader, fencing, kill -9."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import redis

from pykue import Queue, Settings
from pykue.core.codec import now_ms
from pykue.core.job import Job
from pykue.core.keys import zid
from pykue.worker import Housekeeper, Worker
from pykue.worker.ops import TypeOps
from pykue.worker.scripts import ScriptRunner
from tests.worker.conftest import running, settled, wait_for


async def test_only_one_housekeeper_leads_and_another_takes_over(
    app: Queue, fast: Settings
) -> None:
    first = Housekeeper(app.client, app.keys, fast)
    second = Housekeeper(app.client, app.keys, fast)
    assert (await first.tick()).leader
    assert not (await second.tick()).leader
    assert (await first.tick()).leader
    await first.stop()
    assert (await second.tick()).leader
    await second.stop()


async def test_housekeeper_promotes_due_delayed_jobs_once(app: Queue, fast: Settings) -> None:
    job = await app.create("later", delay=1000)
    assert job.promote_at is not None
    keeper = Housekeeper(app.client, app.keys, fast)
    assert (await keeper.tick()).promoted == 0
    # tick until it is promoted: never before it is due, and then only once
    deadline = asyncio.get_running_loop().time() + 30
    while (result := await keeper.tick()).promoted == 0:
        assert asyncio.get_running_loop().time() < deadline, "never promoted"
        assert (await app.get(job.id)).state == "delayed"
        await asyncio.sleep(0.02)
    assert result.promoted == 1
    assert now_ms() >= job.promote_at
    assert (await keeper.tick()).promoted == 0
    assert (await app.get(job.id)).state == "inactive"
    await keeper.stop()


async def test_a_recovered_job_cannot_be_completed_by_its_old_worker(
    app: Queue, fast: Settings, sync_redis: redis.Redis
) -> None:
    release = asyncio.Event()
    runs: list[str] = []

    @app.process("fenced")
    async def handle(job: Job, ctx: object) -> str:
        runs.append(getattr(ctx, "worker_id", ""))
        await release.wait()
        return "done"

    job = await app.create("fenced", attempts=3)
    member = zid(job.id)
    async with running(app, housekeeping=False) as old:
        await wait_for(lambda: _state_is(app, job.id, "active"))
        old.pause("fenced")
        # The old worker looks dead: its lease expires and the leader recovers the job.
        sync_redis.zadd(app.keys.leases, {member: 1})
        keeper = Housekeeper(app.client, app.keys, fast)
        assert (await keeper.tick()).recovered == 1
        await keeper.stop()
        recovered = await app.get(job.id)
        assert recovered.state == "inactive"
        assert recovered.attempts_made == 1
        assert recovered.error is not None
        assert recovered.error.startswith("Lease expired")
        release.set()
        await wait_for(lambda: _idle(old))  # its outcome was written or refused
        assert (await app.get(job.id)).state == "inactive"
        assert "result" not in (await app.get(job.id)).fields
        old.resume("fenced")
        await wait_for(lambda: settled(app, job.id))
    done = await app.get(job.id)
    assert done.state == "complete"
    assert len(runs) == 2
    assert sync_redis.hget(app.keys.counter("completed"), "fenced") == "1"


async def test_recovery_fails_a_job_with_no_attempt_left(
    app: Queue, fast: Settings, sync_redis: redis.Redis
) -> None:
    job = await app.create("one-shot")
    runner = ScriptRunner(app.client)
    ops = TypeOps(app.keys, "one-shot")
    token = "dead-worker:1"
    await runner.call("reserve", *ops.reserve(1, 0, now_ms() - 1, token)[1:])
    await runner.call(
        "activate", *ops.activate([(job.id, "kue:x:1:one-shot:1")], token, now_ms())[1:]
    )
    keeper = Housekeeper(app.client, app.keys, fast)
    assert (await keeper.tick()).recovered == 1
    await keeper.stop()
    failed = await app.get(job.id)
    assert failed.state == "failed"
    assert sync_redis.zcard(app.keys.state("active")) == 0
    assert sync_redis.hget(app.keys.counter("failed"), "one-shot") == "1"


async def test_a_job_reserved_but_never_activated_returns_without_spending_an_attempt(
    app: Queue, fast: Settings, sync_redis: redis.Redis
) -> None:
    job = await app.create("gap")
    runner = ScriptRunner(app.client)
    ops = TypeOps(app.keys, "gap")
    reply = await runner.call("reserve", *ops.reserve(5, 0, now_ms() - 1, "crashed:1")[1:])
    assert reply == [zid(job.id), "0"]
    assert sync_redis.llen(app.keys.tokens("gap")) == 0
    keeper = Housekeeper(app.client, app.keys, fast)
    assert (await keeper.tick()).recovered == 1
    await keeper.stop()
    back = await app.get(job.id)
    assert back.state == "inactive"
    assert back.attempts_made == 0
    assert sync_redis.zcard(app.keys.type_state("gap", "inactive")) == 1
    assert sync_redis.zcard(app.keys.state("active")) == 0
    assert sync_redis.llen(app.keys.tokens("gap")) == 1


async def test_leases_are_renewed_while_a_job_runs_longer_than_the_lease(
    app: Queue, fast: Settings
) -> None:
    @app.process("long")
    async def handle(job: Job) -> str:
        await asyncio.sleep(2.5 * fast.lease_ms / 1000)
        return "ok"

    job = await app.create("long")
    async with running(app):
        await wait_for(lambda: settled(app, job.id))
    done = await app.get(job.id)
    assert done.state == "complete"
    assert done.attempts_made == 1
    assert done.error is None


async def test_kill_9_of_a_worker_process_returns_its_job(
    app: Queue, fast: Settings, redis_url: str, sync_redis: redis.Redis
) -> None:
    job = await app.create("hang", attempts=2)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.worker.hanging_worker",
        redis_url,
        str(fast.lease_ms),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert child.stdout is not None
        assert (await child.stdout.readline()).strip() == b"ready"
        await wait_for(lambda: _state_is(app, job.id, "active"))
        os.kill(child.pid, signal.SIGKILL)
    finally:
        await asyncio.wait_for(child.wait(), 30)
    keeper = Housekeeper(app.client, app.keys, fast)
    keeper.start()
    try:
        await wait_for(lambda: _state_is(app, job.id, "inactive"), within=fast.lease_ms / 1000 + 15)
    finally:
        await keeper.stop()
    back = await app.get(job.id)
    assert back.attempts_made == 1
    assert sync_redis.llen(app.keys.tokens("hang")) == 1


async def _state_is(queue: Queue, job_id: int, state: str) -> bool:
    return (await queue.get(job_id)).state == state


async def _idle(worker: Worker) -> bool:
    return worker.running == 0
