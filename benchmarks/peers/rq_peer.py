"""RQ: its default worker (forks a work horse per job) and its SimpleWorker (no fork)."""

from __future__ import annotations

from importlib.metadata import version

import redis
from recorder import hit
from rq import Queue

from peers.base import PYTHON, Peer, redis_url

QUEUE = "bench"


def noop(t: float) -> None:
    hit(t)


class RQ(Peer):
    name = "RQ (fork per job)"
    version = version("rq")
    has_bulk = True
    worker_class = "rq.worker.Worker"
    note = "2 `rq worker` processes; bulk = Queue.enqueue_many (one pipeline)"

    async def setup(self) -> None:
        self.conn = redis.Redis.from_url(redis_url())
        self.queue = Queue(QUEUE, connection=self.conn)

    async def close(self) -> None:
        self.conn.close()

    async def one(self, t: float) -> None:
        self.queue.enqueue(noop, t)

    async def many(self, n: int) -> None:
        self.queue.enqueue_many([Queue.prepare_data(noop, (0,)) for _ in range(n)])

    def worker_commands(self) -> list[list[str]]:
        rq = [PYTHON, "-m", "rq.cli", "worker", "-u", redis_url(), "-w", self.worker_class]
        return [[*rq, "-q", "-n", f"bench-{i}", QUEUE] for i in range(2)]


class RQSimple(RQ):
    name = "RQ SimpleWorker"
    worker_class = "rq.worker.SimpleWorker"
    note = "2 `rq worker -w rq.SimpleWorker` processes (no fork per job)"
