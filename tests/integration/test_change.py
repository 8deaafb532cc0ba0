"""Changing jobs: state (every pair), priority (§4 scores), remove, progress, restart."""

from __future__ import annotations

import itertools

import orjson
import pytest
import redis

from pykue import InvalidJobData, InvalidOption, InvalidPriority, InvalidState, JobNotFound, Queue
from tests.integration.helpers import listen, zset

STATES = ("inactive", "active", "complete", "failed", "delayed")


def _expected_score(state: str, priority: int, fields: dict[str, str]) -> float:
    if state == "delayed":
        return float(fields["promote_at"])
    if state == "active":
        return float(-abs(priority))
    return float(priority)


def _where(client: redis.Redis, job_type: str) -> dict[str, list[tuple[str, float]]]:
    keys = [f"q:jobs:{s}" for s in STATES] + [f"q:jobs:{job_type}:{s}" for s in STATES]
    return {k: zset(client, k) for k in keys if client.exists(k)}


@pytest.mark.parametrize(("old", "new"), list(itertools.permutations(STATES, 2)))
async def test_set_state_pair(
    queue: Queue, sync_redis: redis.Redis, redis_url: str, old: str, new: str
) -> None:
    job = await queue.create("email", {}, priority="low")
    await queue.set_state(job.id, old)
    tokens = sync_redis.llen("q:email:jobs")
    async with listen(redis_url) as messages:
        assert await queue.set_state(job.id, new) == old
        published = await (messages.collect(1) if new == "inactive" else messages.quiet(0.05))
    fields = sync_redis.hgetall("q:job:1")
    assert fields["state"] == new
    assert _where(sync_redis, "email") == {
        f"q:jobs:{new}": [("01|1", _expected_score(new, 10, fields))],
        f"q:jobs:email:{new}": [("01|1", 10.0)],
    }
    assert zset(sync_redis, "q:jobs") == [("01|1", 10.0)]
    if new == "inactive":
        assert sync_redis.llen("q:email:jobs") == tokens + 1
        assert published == ['{"id":1,"event":"enqueue","args":["enqueue","email"]}']
    else:
        assert sync_redis.llen("q:email:jobs") == tokens
        assert published == []


@pytest.mark.parametrize("state", STATES)
async def test_set_state_is_idempotent(queue: Queue, sync_redis: redis.Redis, state: str) -> None:
    job = await queue.create("email", {})
    await queue.set_state(job.id, state)
    before = (_where(sync_redis, "email"), sync_redis.llen("q:email:jobs"))
    assert await queue.set_state(job.id, state) == state
    assert (_where(sync_redis, "email"), sync_redis.llen("q:email:jobs")) == before


async def test_active_with_ttl_scores_deadline(queue: Queue, sync_redis: redis.Redis) -> None:
    job = await queue.create("slow", {}, ttl=1000)
    await queue.set_state(job.id, "active")
    updated = int(sync_redis.hget("q:job:1", "updated_at") or 0)
    assert zset(sync_redis, "q:jobs:active") == [("01|1", float(updated + 1000))]
    assert zset(sync_redis, "q:jobs:slow:active") == [("01|1", 0.0)]


async def test_set_state_errors_write_nothing(queue: Queue, sync_redis: redis.Redis) -> None:
    await queue.create("email", {})
    snapshot = {k: sync_redis.dump(k) for k in sync_redis.keys("*")}
    for job_id, state, error in [
        (1, "bogus", InvalidState),
        (99, "active", JobNotFound),
        ("x", "active", InvalidOption),
    ]:
        with pytest.raises(error):
            await queue.set_state(job_id, state)
    assert {k: sync_redis.dump(k) for k in sync_redis.keys("*")} == snapshot


async def test_restart_keeps_attempts(queue: Queue, sync_redis: redis.Redis) -> None:
    job = await queue.create("email", {}, attempts=2)
    await queue.set_state(job.id, "failed")
    sync_redis.hset("q:job:1", "attempts", "2")
    assert await queue.restart(job.id) == "failed"
    assert sync_redis.hget("q:job:1", "attempts") == "2"
    assert sync_redis.hget("q:job:1", "state") == "inactive"


@pytest.mark.parametrize("state", STATES)
async def test_set_priority_scores(queue: Queue, sync_redis: redis.Redis, state: str) -> None:
    job = await queue.create("email", {})
    await queue.set_state(job.id, state)
    fields = sync_redis.hgetall("q:job:1")
    await queue.set_priority(job.id, "high")
    assert sync_redis.hget("q:job:1", "priority") == "-10"
    assert zset(sync_redis, "q:jobs") == [("01|1", -10.0)]
    assert zset(sync_redis, f"q:jobs:email:{state}") == [("01|1", -10.0)]
    assert zset(sync_redis, f"q:jobs:{state}") == [("01|1", _expected_score(state, -10, fields))]
    assert _where(sync_redis, "email").keys() == {f"q:jobs:{state}", f"q:jobs:email:{state}"}


async def test_set_priority_keeps_ttl_deadline(queue: Queue, sync_redis: redis.Redis) -> None:
    job = await queue.create("slow", {}, ttl=5000)
    await queue.set_state(job.id, "active")
    deadline = zset(sync_redis, "q:jobs:active")
    await queue.set_priority(job.id, 7)
    assert zset(sync_redis, "q:jobs:active") == deadline
    assert zset(sync_redis, "q:jobs:slow:active") == [("01|1", 7.0)]


async def test_set_priority_errors(queue: Queue, sync_redis: redis.Redis) -> None:
    await queue.create("email", {})
    with pytest.raises(InvalidPriority):
        await queue.set_priority(1, "urgent")
    with pytest.raises(JobNotFound):
        await queue.set_priority(2, "high")
    assert sync_redis.hget("q:job:1", "priority") == "0"


@pytest.mark.parametrize("state", STATES)
async def test_remove(queue: Queue, sync_redis: redis.Redis, redis_url: str, state: str) -> None:
    keep = await queue.create("email", {"keep": True})
    job = await queue.create("email", {})
    await queue.set_state(job.id, state)
    await queue.log(job.id, "a line")
    async with listen(redis_url) as messages:
        assert await queue.remove(job.id) == "email"
        assert await messages.collect(1) == ['{"id":2,"event":"remove","args":["remove","email"]}']
    assert sync_redis.exists("q:job:2", "q:job:2:log") == 0
    assert all("02|2" not in dict(members) for members in _where(sync_redis, "email").values())
    assert "01|2" not in dict(zset(sync_redis, "q:jobs"))
    assert (await queue.get(keep.id)).data == {"keep": True}
    with pytest.raises(JobNotFound):
        await queue.remove(job.id)


async def test_progress(queue: Queue, sync_redis: redis.Redis, redis_url: str) -> None:
    job = await queue.create("email", {})
    async with listen(redis_url) as messages:
        assert await queue.progress(job.id, 1, 2, {"stage": "half"}) == 50
        assert await queue.progress(job.id, 30) == 30
        assert await messages.collect(2) == [
            '{"id":1,"event":"progress","args":["progress",50,{"stage":"half"}]}',
            '{"id":1,"event":"progress","args":["progress",30,null]}',
        ]
    fields = sync_redis.hgetall("q:job:1")
    assert fields["progress"] == "30"
    assert orjson.loads(fields["progress_data"]) == {"stage": "half"}
    assert (await queue.get(1)).to_kue_json()["progress"] == "30"


@pytest.mark.parametrize(
    ("done", "total", "percent"),
    [(1, 3, 33), (2, 3, 66), (5, 4, 100), (0, 0, 0), (-1, 10, 0), (7.9, 10, 79), (10, 0, 0)],
)
async def test_progress_percent(queue: Queue, done: float, total: float, percent: int) -> None:
    job = await queue.create("email", {})
    assert await queue.progress(job.id, done, total) == percent


async def test_progress_refreshes_ttl_deadline(queue: Queue, sync_redis: redis.Redis) -> None:
    job = await queue.create("slow", {}, ttl=60000)
    await queue.set_state(job.id, "active")
    sync_redis.zadd("q:jobs:active", {"01|1": 5})
    await queue.progress(job.id, 10)
    updated = int(sync_redis.hget("q:job:1", "updated_at") or 0)
    assert zset(sync_redis, "q:jobs:active") == [("01|1", float(updated + 60000))]


async def test_progress_never_recreates_removed_job(queue: Queue, sync_redis: redis.Redis) -> None:
    job = await queue.create("email", {})
    await queue.remove(job.id)
    with pytest.raises(JobNotFound):
        await queue.progress(job.id, 50)
    assert sync_redis.exists("q:job:1") == 0


async def test_progress_bad_input(queue: Queue, sync_redis: redis.Redis) -> None:
    await queue.create("email", {})
    with pytest.raises(InvalidOption):
        await queue.progress(1, "half")  # type: ignore[arg-type]
    assert sync_redis.hexists("q:job:1", "progress") == 0


async def test_set_result(queue: Queue, sync_redis: redis.Redis) -> None:
    job = await queue.create("email", {})
    await queue.set_result(job.id, {"sent": True})
    assert sync_redis.hget("q:job:1", "result") == '{"sent":true}'
    assert (await queue.get(job.id)).result == {"sent": True}
    with pytest.raises(InvalidJobData):
        await queue.set_result(job.id, {"bad": object()})
    await queue.remove(job.id)
    with pytest.raises(JobNotFound):
        await queue.set_result(job.id, 1)
    assert sync_redis.exists("q:job:1") == 0


async def test_publish(queue: Queue, redis_url: str) -> None:
    async with listen(redis_url) as messages:
        await queue.publish(6, "complete", "ok", None)
        await queue.publish(8, "ttl exceeded")
        assert await messages.collect(2) == [
            '{"id":6,"event":"complete","args":["complete","ok",null]}',
            '{"id":8,"event":"ttl exceeded","args":["ttl exceeded"]}',
        ]
