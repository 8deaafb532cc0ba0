"""Celery on the Redis broker, no result backend: its prefork pool (2 children) and solo pool
(2 worker processes)."""

from __future__ import annotations

from importlib.metadata import version

from celery import Celery
from recorder import hit

from peers.base import PYTHON, Peer, redis_url

app = Celery("bench", broker=redis_url())
app.conf.update(task_ignore_result=True, worker_hijack_root_logger=False)


@app.task(name="noop")
def noop(t: float) -> None:
    hit(t)


CELERY = [PYTHON, "-m", "celery", "-A", "peers.celery_peer", "worker", "-l", "WARNING"]


class CeleryPrefork(Peer):
    name = "Celery prefork"
    version = version("celery")
    note = "`celery worker -c 2` (prefork pool), ignore_result"

    async def one(self, t: float) -> None:
        noop.delay(t)

    def worker_commands(self) -> list[list[str]]:
        return [[*CELERY, "-P", "prefork", "-c", "2", "-n", "bench@%h"]]


class CelerySolo(CeleryPrefork):
    name = "Celery solo"
    note = "2 `celery worker -P solo` processes, ignore_result"

    def worker_commands(self) -> list[list[str]]:
        return [[*CELERY, "-P", "solo", "-n", f"bench{i}@%h"] for i in range(2)]
