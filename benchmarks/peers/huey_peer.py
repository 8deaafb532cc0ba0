"""huey (RedisHuey): `huey_consumer -k process -w 2`."""

from __future__ import annotations

from importlib.metadata import version
from urllib.parse import urlparse

from huey import RedisHuey
from recorder import hit

from peers.base import PYTHON, Peer, redis_url

_url = urlparse(redis_url())
huey = RedisHuey("bench", host=_url.hostname, port=_url.port, results=False)


@huey.task()
def noop(t: float) -> None:
    hit(t)


class Huey(Peer):
    name = "huey"
    version = version("huey")
    note = "`huey_consumer -k process -w 2`, results off"

    async def one(self, t: float) -> None:
        noop(t)

    def worker_commands(self) -> list[list[str]]:
        consumer = [PYTHON, "-m", "huey.bin.huey_consumer", "peers.huey_peer.huey"]
        return [[*consumer, "-k", "process", "-w", "2", "-q"]]
