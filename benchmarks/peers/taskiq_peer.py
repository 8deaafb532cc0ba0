"""taskiq with taskiq-redis's stream broker: `taskiq worker --workers 2`."""

from __future__ import annotations

from importlib.metadata import version

from recorder import hit
from taskiq_redis import RedisStreamBroker

from peers.base import PYTHON, Peer, redis_url

# consumer_id "0": the consumer group also reads what was queued before the workers started.
broker = RedisStreamBroker(redis_url(), queue_name="bench", consumer_id="0")


@broker.task(task_name="noop")
async def noop(t: float) -> None:
    hit(t)


class Taskiq(Peer):
    name = "taskiq (streams)"
    version = f"{version('taskiq')} + taskiq-redis {version('taskiq-redis')}"
    note = "`taskiq worker --workers 2`, RedisStreamBroker, no result backend"

    async def setup(self) -> None:
        await broker.startup()

    async def close(self) -> None:
        await broker.shutdown()

    async def one(self, t: float) -> None:
        await noop.kiq(t)

    def worker_commands(self) -> list[list[str]]:
        return [[PYTHON, "-m", "taskiq", "worker", "peers.taskiq_peer:broker", "--workers", "2"]]
