"""Dramatiq on its Redis broker: `dramatiq -p 2` (2 processes, 8 threads each by default)."""

from __future__ import annotations

from importlib.metadata import version

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from recorder import hit

from peers.base import PYTHON, Peer, redis_url

broker = RedisBroker(url=redis_url())
dramatiq.set_broker(broker)


@dramatiq.actor(queue_name="bench", max_retries=0)
def noop(t: float) -> None:
    hit(t)


class Dramatiq(Peer):
    name = "Dramatiq"
    version = version("dramatiq")
    note = "`dramatiq -p 2` (8 threads each, the default)"

    async def one(self, t: float) -> None:
        noop.send(t)

    def worker_commands(self) -> list[list[str]]:
        return [[PYTHON, "-m", "dramatiq", "peers.dramatiq_peer", "-p", "2", "-Q", "bench"]]
