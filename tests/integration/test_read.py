"""Reading jobs: get, ids, range with Kue's page semantics, counts, stats, types, log."""

from __future__ import annotations

import pytest
import redis

from pykue import InvalidOption, InvalidState, JobNotFound, Queue
from tests.integration.helpers import zset


async def _scenario(queue: Queue) -> None:
    # Ids 1..6 with priorities chosen so that score order differs from id order.
    await queue.create("email", {"n": 1}, priority="low")  # 1: 10
    await queue.create("email", {"n": 2}, priority="critical")  # 2: -15
    await queue.create("email", {"n": 3})  # 3: 0
    await queue.create("sms", {"n": 4}, priority="high")  # 4: -10
    await queue.create("email", {"n": 5}, priority="critical")  # 5: -15
    await queue.create("sms", {"n": 6}, delay=60000)  # 6: 0, delayed


async def test_get(queue: Queue) -> None:
    await _scenario(queue)
    job = await queue.get(4)
    assert (job.id, job.type, job.data, job.priority, job.state) == (
        4,
        "sms",
        {"n": 4},
        -10,
        "inactive",
    )
    assert (await queue.get("4")).id == 4


async def test_get_missing_and_invalid(queue: Queue, sync_redis: redis.Redis) -> None:
    with pytest.raises(JobNotFound, match='job "99" doesnt exist'):
        await queue.get(99)
    for bad in ("abc", 0, -1, True, "1.5"):
        with pytest.raises(InvalidOption):
            await queue.get(bad)  # type: ignore[arg-type]
    sync_redis.hset("q:job:7", "data", "{}")  # a hash without type is not a job
    with pytest.raises(JobNotFound):
        await queue.get(7)


async def test_ids_in_kue_order(queue: Queue) -> None:
    await _scenario(queue)
    # score (priority) first, then zid (= id order)
    assert await queue.ids() == [2, 5, 4, 3, 6, 1]
    assert await queue.ids("inactive") == [2, 5, 4, 3, 1]
    assert await queue.ids("inactive", "email") == [2, 5, 3, 1]
    assert await queue.ids("delayed") == [6]
    assert await queue.ids(start=1, stop=2) == [5, 4]
    assert await queue.ids(start=-2) == [6, 1]


async def test_range_pages_sorted_by_id(queue: Queue) -> None:
    await _scenario(queue)
    # Kue: ZRANGE 0..3 by score -> ids 2,5,4,3; the page is then sorted by id.
    assert [j.id for j in await queue.range(start=0, stop=3)] == [2, 3, 4, 5]
    assert [j.id for j in await queue.range(start=0, stop=3, order="desc")] == [5, 4, 3, 2]
    assert [j.id for j in await queue.range(start=4, stop=10)] == [1, 6]
    assert [j.id for j in await queue.range("inactive", "email", 0, 1, "desc")] == [5, 2]
    assert [j.id for j in await queue.range("complete")] == []


async def test_range_skips_vanished_hashes(queue: Queue, sync_redis: redis.Redis) -> None:
    await _scenario(queue)
    sync_redis.delete("q:job:3")
    assert [j.id for j in await queue.range("inactive", "email")] == [1, 2, 5]


async def test_unknown_state_is_rejected(queue: Queue) -> None:
    with pytest.raises(InvalidState):
        await queue.ids("bogus")
    with pytest.raises(InvalidState):
        await queue.count("queued")
    with pytest.raises(InvalidState):
        await queue.range("done")
    with pytest.raises(InvalidOption, match="needs a state"):
        await queue.ids(job_type="email")


async def test_counts_and_stats(queue: Queue, sync_redis: redis.Redis) -> None:
    assert await queue.stats() == {
        "inactiveCount": 0,
        "completeCount": 0,
        "activeCount": 0,
        "failedCount": 0,
        "delayedCount": 0,
        "workTime": None,
    }
    await _scenario(queue)
    await queue.set_state(3, "complete")
    sync_redis.set("q:stats:work-time", "826")
    stats = await queue.stats()
    assert list(stats) == [
        "inactiveCount",
        "completeCount",
        "activeCount",
        "failedCount",
        "delayedCount",
        "workTime",
    ]
    assert stats == {
        "inactiveCount": 4,
        "completeCount": 1,
        "activeCount": 0,
        "failedCount": 0,
        "delayedCount": 1,
        "workTime": 826,
    }
    assert await queue.count() == 6
    assert await queue.count("inactive", "email") == 3
    assert await queue.count("delayed", "sms") == 1
    assert await queue.types() == ["email", "sms"]


async def test_log_lines(queue: Queue, sync_redis: redis.Redis) -> None:
    job = await queue.create("email", {})
    await queue.log(job.id, "processing %s with %d things", "critical mail", 3)
    await queue.log(job.id, {"an": "object", "n": [1, 2]})
    assert await queue.log_lines(job.id) == [
        "processing critical mail with 3 things",
        "{ an: 'object', n: [ 1, 2 ] }",
    ]
    assert sync_redis.lrange("q:job:1:log", 0, -1) == await queue.log_lines(1)
    assert await queue.log_lines(99) == []
    assert zset(sync_redis, "q:jobs") == [("01|1", 0.0)]


async def test_log_never_recreates_a_removed_job(queue: Queue, sync_redis: redis.Redis) -> None:
    job = await queue.create("email", {})
    await queue.remove(job.id)
    with pytest.raises(JobNotFound):
        await queue.log(job.id, "late line")
    assert sync_redis.exists("q:job:1", "q:job:1:log") == 0
