"""Scripts that handle a whole batch of jobs in one call: each job is fenced on its own."""

from __future__ import annotations

import asyncio
import json

import redis

from pykue import Queue
from pykue.core.codec import now_ms
from pykue.core.keys import zid
from pykue.worker.finisher import Finisher
from pykue.worker.merge import merge
from pykue.worker.ops import Held, TypeOps
from pykue.worker.scripts import ScriptRunner
from tests.worker.conftest import drain_messages


async def test_one_activation_call_activates_a_batch_and_fences_each_job(
    app: Queue, sync_redis: redis.Redis
) -> None:
    ok, removed, stolen = [await app.create("batch", {"n": n}, ttl=5000) for n in range(3)]
    runner = ScriptRunner(app.client)
    ops = TypeOps(app.keys, "batch")
    token = "w:1"
    await runner.call("reserve", *ops.reserve(3, 0, now_ms() + 60_000, token)[1:])
    sync_redis.delete(app.keys.job(removed.id))
    sync_redis.hset(app.keys.owners, zid(stolen.id), "other:1")
    pubsub = sync_redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(app.keys.events)
    now = now_ms()
    jobs = [(ok.id, "kue:h:1:batch:1"), (removed.id, "kue:h:1:batch:2"), (stolen.id, "x")]
    replies = await runner.call("activate", *ops.activate(jobs, token, now)[1:])
    assert replies[1] is None
    assert replies[2] is None
    before = dict(zip(replies[0][::2], replies[0][1::2], strict=True))
    assert before["state"] == "inactive"
    assert json.loads(before["data"]) == {"n": 0}
    after = sync_redis.hgetall(app.keys.job(ok.id))
    assert after["state"] == "active"
    assert after["workerId"] == "kue:h:1:batch:1"
    assert after["started_at"] == after["updated_at"] == str(now)
    # Kue's TTL score, and the removed job's leftovers are cleaned (the stolen one is kept).
    assert sync_redis.zscore(app.keys.state("active"), zid(ok.id)) == now + 5000
    assert sync_redis.zscore(app.keys.state("active"), zid(removed.id)) is None
    assert sync_redis.hget(app.keys.owners, zid(removed.id)) is None
    assert sync_redis.hget(app.keys.owners, zid(stolen.id)) == "other:1"
    assert sync_redis.hget(app.keys.job(stolen.id), "state") == "inactive"
    messages = [json.loads(m) for m in drain_messages(pubsub, 2, timeout=0.5)]
    assert messages == [{"id": ok.id, "event": "start", "args": ["start", "batch", None]}]
    pubsub.close()


async def test_completions_of_a_type_are_written_in_one_call_each_fenced(
    app: Queue, sync_redis: redis.Redis
) -> None:
    done, gone, stolen = [
        await app.create("batch", {"n": n}, remove_on_complete=n == 1) for n in range(3)
    ]
    runner = ScriptRunner(app.client)
    ops = TypeOps(app.keys, "batch")
    token, now = "w:1", now_ms()
    await runner.call("reserve", *ops.reserve(3, 0, now + 60_000, token)[1:])
    ids = [done.id, gone.id, stolen.id]
    await runner.call("activate", *ops.activate([(i, f"w{i}") for i in ids], token, now)[1:])
    sync_redis.hset(app.keys.owners, zid(stolen.id), "other:1")
    pubsub = sync_redis.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(app.keys.events)
    calls = [ops.complete(Held(i, token, f"w{i}", now - 7), now, '{"r":1}') for i in ids]
    other = TypeOps(app.keys, "other").complete(Held(99, token, "x", now), now, "")
    sent, where = merge([*calls, other])
    assert [c[0] for c in sent] == ["complete", "complete"]
    assert where == [(0, 0), (0, 1), (0, 2), (1, 0)]
    finisher = Finisher(runner)
    results = await asyncio.gather(*(finisher.submit(c) for c in calls), finisher.flush())
    assert results[:3] == [1, 1, 0]
    assert sync_redis.hget(app.keys.job(done.id), "state") == "complete"
    assert sync_redis.hget(app.keys.job(done.id), "result") == '{"r":1}'
    assert sync_redis.hget(app.keys.job(done.id), "duration") == "7"
    assert not sync_redis.exists(app.keys.job(gone.id))
    assert sync_redis.hget(app.keys.job(stolen.id), "state") == "active"
    # The counters of the two completed jobs, added up and written once.
    assert sync_redis.hget(app.keys.counter("completed"), "batch") == "2"
    assert sync_redis.get(app.keys.work_time) == "14"
    durations = sync_redis.hgetall(app.keys.durations)
    assert durations["batch|sum"] == "14"
    assert durations["batch|count"] == "2"
    assert durations["batch|10"] == durations["batch|+Inf"] == "2"
    assert "batch|5" not in durations
    assert sync_redis.hget(app.keys.history("complete"), str(now // 60_000)) == "2"
    events = [json.loads(m) for m in drain_messages(pubsub, 3)]
    assert events == [
        {"id": done.id, "event": "complete", "args": ["complete", {"r": 1}, None]},
        {"id": gone.id, "event": "complete", "args": ["complete", {"r": 1}, None]},
        {"id": gone.id, "event": "remove", "args": ["remove", "batch"]},
    ]
    pubsub.close()
