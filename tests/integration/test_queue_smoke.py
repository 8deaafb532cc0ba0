from pykue import Queue


async def test_create_and_get(queue: Queue, sync_redis) -> None:
    job = await queue.create("email", {"title": "hi"}, priority="high", attempts=3)
    got = await queue.get(job.id)
    assert got.type == "email"
    assert got.priority == -10
    assert got.state == "inactive"
    assert sync_redis.zrange("q:jobs:email:inactive", 0, -1, withscores=True) == [("01|1", -10.0)]
    assert sync_redis.lrange("q:email:jobs", 0, -1) == ["1"]
