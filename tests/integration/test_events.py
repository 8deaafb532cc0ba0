"""Queue.subscribe: Kue's events as an async iterator, filtered by job or name."""

from __future__ import annotations

import asyncio

import redis

from pykue import Event, Queue, Settings


async def _take(iterator: object, count: int) -> list[Event]:
    async def run() -> list[Event]:
        out: list[Event] = []
        async for event in iterator:  # type: ignore[attr-defined]
            out.append(event)
            if len(out) == count:
                break
        return out

    return await asyncio.wait_for(run(), 3)


async def test_subscribe_sees_every_event(queue: Queue) -> None:
    async with queue.subscribe() as events:
        job = await queue.create("email", {})
        await queue.progress(job.id, 50, data={"x": 1})
        await queue.remove(job.id)
        got = await _take(events, 3)
    assert got == [
        Event(1, "enqueue", ("email",)),
        Event(1, "progress", (50, {"x": 1})),
        Event(1, "remove", ("email",)),
    ]


async def test_subscribe_filters(queue: Queue, sync_redis: redis.Redis) -> None:
    async with queue.subscribe(job_id=2) as one, queue.subscribe(names=["remove"]) as removals:
        await queue.create("email", {})
        await queue.create("email", {})
        sync_redis.publish("q:events", "not json")
        # Kue's REST paths publish string ids
        sync_redis.publish("q:events", '{"id":"2","event":"start","args":["start","email",null]}')
        await queue.remove(1)
        assert await _take(one, 2) == [
            Event(2, "enqueue", ("email",)),
            Event(2, "start", ("email", None)),
        ]
        assert await _take(removals, 1) == [Event(1, "remove", ("email",))]


async def test_prefix_isolation(settings: Settings, sync_redis: redis.Redis) -> None:
    async with Queue(settings=settings, prefix="{q}") as tagged, tagged.subscribe() as events:
        job = await tagged.create("email", {"a": 1}, priority="high")
        assert (await tagged.get(job.id)).data == {"a": 1}
        assert await _take(events, 1) == [Event(1, "enqueue", ("email",))]
        await tagged.set_state(job.id, "active")
        await tagged.set_state(job.id, "complete")
        assert await tagged.ids("complete", "email") == [1]
        assert sync_redis.zrange("{q}:jobs:email:complete", 0, -1, withscores=True) == [
            ("01|1", -10.0)
        ]
        assert sync_redis.exists("q:ids") == 0
        await tagged.remove(job.id)
        # what is left is what Kue leaves after a removal: the id counter, types, the token
        assert sorted(sync_redis.keys("*")) == ["{q}:email:jobs", "{q}:ids", "{q}:job:types"]
