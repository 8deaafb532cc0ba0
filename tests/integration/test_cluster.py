"""A real 3-node Redis Cluster: with a ``{q}`` prefix every script's keys share one slot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import redis
from redis.cluster import RedisCluster as SyncCluster

from pykue import Event, JobNotFound, Queue, Settings
from tests.support.redis_cluster import RedisClusterNodes


@pytest.fixture
async def cluster_queue(cluster: RedisClusterNodes) -> AsyncIterator[Queue]:
    settings = Settings.from_env(
        {"REDIS_URL": cluster.url, "PYKUE_REDIS_CLUSTER": "true", "PYKUE_PREFIX": "{q}"}
    )
    async with Queue(settings=settings) as queue:
        await queue.client.flushall()
        yield queue


@pytest.fixture
def cluster_client(cluster: RedisClusterNodes) -> Iterator[SyncCluster]:
    client = SyncCluster.from_url(cluster.url, decode_responses=True)
    yield client
    client.close()


def test_slots_are_spread(cluster: RedisClusterNodes) -> None:
    owners = set()
    for port in cluster.ports:
        with redis.Redis(port=port, decode_responses=True) as node:
            owners.add(node.cluster("myid"))
            assert node.cluster("info")["cluster_known_nodes"] == "3"
    assert len(owners) == 3


async def test_queue_on_cluster(cluster_queue: Queue, cluster_client: SyncCluster) -> None:
    queue = cluster_queue
    async with queue.subscribe() as events:
        job = await queue.create("email", {"to": "a"}, priority="high")
        async for event in events:
            assert event == Event(job.id, "enqueue", ("email",))
            break
    assert (await queue.get(job.id)).data == {"to": "a"}
    assert cluster_client.zrange("{q}:jobs:email:inactive", 0, -1) == ["01|1"]
    assert await queue.set_state(job.id, "active") == "inactive"
    await queue.progress(job.id, 50)
    await queue.log(job.id, "half way")
    await queue.set_priority(job.id, "low")
    assert await queue.set_state(job.id, "complete") == "active"
    assert await queue.ids("complete", "email") == [1]
    delayed = await queue.create("email", {}, delay=60000)
    assert await queue.ids("delayed") == [delayed.id]
    many = await queue.create_many([{"type": "sms"}, {"type": "sms", "options": {"priority": -5}}])
    assert await queue.ids("inactive", "sms") == [many[1].id, many[0].id]
    stats = await queue.stats()
    assert (stats["completeCount"], stats["delayedCount"], stats["inactiveCount"]) == (1, 1, 2)
    assert await queue.remove(job.id) == "email"
    with pytest.raises(JobNotFound):
        await queue.get(job.id)
    assert cluster_client.exists("{q}:job:1", "{q}:job:1:log") == 0
