"""Creating jobs: the exact Redis state Kue would have written (kue-wire §2-§4, §6.2)."""

from __future__ import annotations

import asyncio

import pytest
import redis

from pykue import (
    InvalidJobData,
    InvalidOption,
    InvalidPriority,
    Queue,
    RedisUnavailable,
    Settings,
    ValidationError,
)
from tests.integration.helpers import listen, zset


async def test_create_writes_kue_state(
    queue: Queue, sync_redis: redis.Redis, redis_url: str
) -> None:
    async with listen(redis_url) as messages:
        before = sync_redis.time()
        job = await queue.create(
            "email",
            {"title": "hello", "to": "a@example.com"},
            priority="high",
            attempts=2,
            backoff={"type": "fixed", "delay": 200},
            ttl=5000,
        )
        assert await messages.collect(1) == [
            '{"id":1,"event":"enqueue","args":["enqueue","email"]}'
        ]
    assert job.id == 1
    fields = sync_redis.hgetall("q:job:1")
    created = int(fields["created_at"])
    assert abs(created - (before[0] * 1000 + before[1] // 1000)) < 5000
    assert fields == {
        "type": "email",
        "data": '{"title":"hello","to":"a@example.com"}',
        "priority": "-10",
        "max_attempts": "2",
        "created_at": str(created),
        "promote_at": str(created),
        "updated_at": str(created),
        "ttl": "5000",
        "backoff": '{"type":"fixed","delay":200}',
        "state": "inactive",
    }
    assert sync_redis.get("q:ids") == "1"
    assert zset(sync_redis, "q:jobs") == [("01|1", -10.0)]
    assert zset(sync_redis, "q:jobs:inactive") == [("01|1", -10.0)]
    assert zset(sync_redis, "q:jobs:email:inactive") == [("01|1", -10.0)]
    assert sync_redis.lrange("q:email:jobs", 0, -1) == ["1"]
    assert sync_redis.smembers("q:job:types") == {"email"}
    assert sorted(sync_redis.keys("*")) == sorted(
        ["q:ids", "q:job:1", "q:jobs", "q:jobs:inactive", "q:jobs:email:inactive",
         "q:email:jobs", "q:job:types"]
    )  # fmt: skip


async def test_delayed_create(queue: Queue, sync_redis: redis.Redis, redis_url: str) -> None:
    async with listen(redis_url) as messages:
        job = await queue.create("email", {"n": 1}, delay=60000, priority="low")
        assert await messages.quiet(0.2) == []
    fields = sync_redis.hgetall(f"q:job:{job.id}")
    assert fields["state"] == "delayed"
    assert fields["delay"] == "60000"
    assert int(fields["promote_at"]) == int(fields["created_at"]) + 60000
    assert zset(sync_redis, "q:jobs:delayed") == [("01|1", float(fields["promote_at"]))]
    assert zset(sync_redis, "q:jobs:email:delayed") == [("01|1", 10.0)]
    assert zset(sync_redis, "q:jobs") == [("01|1", 10.0)]
    assert sync_redis.exists("q:email:jobs") == 0
    assert sync_redis.exists("q:jobs:inactive") == 0


async def test_remove_on_complete_and_events_off(
    queue: Queue, sync_redis: redis.Redis, redis_url: str
) -> None:
    async with listen(redis_url) as messages:
        job = await queue.create("video", None, remove_on_complete=True, events=False)
        assert await messages.quiet(0.2) == []
    assert sync_redis.hget(f"q:job:{job.id}", "removeOnComplete") == "true"
    assert sync_redis.hget(f"q:job:{job.id}", "data") == "{}"
    assert job.remove_on_complete is True


async def test_created_job_matches_stored(queue: Queue) -> None:
    job = await queue.create("email", {"a": [1, 2]}, priority=3, attempts=4, delay=10)
    stored = await queue.get(job.id)
    assert stored.to_kue_json() == job.to_kue_json()
    assert stored.data == {"a": [1, 2]}
    assert (stored.priority, stored.max_attempts, stored.delay) == (3, 4, 10)


async def test_bulk_create_one_incrby(queue: Queue, sync_redis: redis.Redis) -> None:
    await queue.create("pre", {})
    sync_redis.config_resetstat()
    jobs = await queue.create_many(
        [
            {"type": "report", "data": {"title": "a"}},
            {"type": "report", "data": {"title": "b"}, "options": {"priority": -5}},
            {"type": "mail", "options": {"delay": 1000, "removeOnComplete": True}},
        ]
    )
    assert [j.id for j in jobs] == [2, 3, 4]
    assert sync_redis.get("q:ids") == "4"
    calls = sync_redis.info("commandstats")
    assert calls["cmdstat_incrby"]["calls"] == 1
    assert "cmdstat_incr" not in calls
    assert zset(sync_redis, "q:jobs:report:inactive") == [("01|3", -5.0), ("01|2", 0.0)]
    assert sync_redis.llen("q:report:jobs") == 2
    assert sync_redis.hget("q:job:4", "removeOnComplete") == "true"
    assert sync_redis.hget("q:job:4", "state") == "delayed"
    assert await queue.create_many([]) == []


async def test_bulk_create_validates_everything_first(
    queue: Queue, sync_redis: redis.Redis
) -> None:
    good = {"type": "report", "data": {}}
    bad_items: list[object] = [
        {"data": {"no": "type"}},
        {"type": "report", "options": {"priority": "urgent"}},
        {"type": "report", "options": {"delay": -1}},
        {"type": "report", "options": {"colour": "red"}},
        {"type": "report", "data": {"x": {1, 2}}},
        "not a job",
    ]
    for bad in bad_items:
        size = sync_redis.dbsize()
        with pytest.raises(ValidationError):
            await queue.create_many([good, bad, good])  # type: ignore[list-item]
        assert sync_redis.dbsize() == size == 0


async def test_bad_input_writes_nothing(queue: Queue, sync_redis: redis.Redis) -> None:
    cases: list[tuple[dict[str, object], type[Exception]]] = [
        ({"job_type": ""}, InvalidOption),
        ({"priority": "urgent"}, InvalidPriority),
        ({"delay": -5}, InvalidOption),
        ({"attempts": 0}, InvalidOption),
        ({"data": {"when": object()}}, InvalidJobData),
        ({"data": "x" * 2_000_000}, InvalidJobData),
        ({"colour": "red"}, InvalidOption),
        ({"backoff": {"type": "linear"}}, InvalidOption),
    ]
    for kwargs, error in cases:
        args = dict(kwargs)
        job_type = str(args.pop("job_type", "email"))
        data = args.pop("data", {})
        with pytest.raises(error):
            await queue.create(job_type, data, **args)
        assert sync_redis.dbsize() == 0


async def test_payload_limit_is_configurable(settings: Settings, sync_redis: redis.Redis) -> None:
    async with Queue(settings=settings.replace(max_payload_bytes=64)) as small:
        await small.create("t", {"x": "y" * 10})
        with pytest.raises(InvalidJobData, match="over the limit of 64"):
            await small.create("t", {"x": "y" * 100})
    assert sync_redis.get("q:ids") == "1"


async def test_unreachable_redis() -> None:
    queue = Queue("redis://127.0.0.1:1/0", settings=Settings.from_env({}))
    with pytest.raises(RedisUnavailable, match="cannot reach Redis at redis://"):
        async with queue:
            raise AssertionError("connected to nothing")


async def test_many_concurrent_creates_share_a_bounded_pool(
    queue: Queue, sync_redis: redis.Redis
) -> None:
    jobs = await asyncio.gather(*(queue.create("burst", {"i": i}) for i in range(300)))
    assert sorted(j.id for j in jobs) == list(range(1, 301))
    assert sync_redis.zcard("q:jobs:burst:inactive") == 300
    clients = [c for c in sync_redis.client_list() if c.get("cmd") != "client|list"]
    assert len(clients) <= 64 + 1
