"""``WorkerEnv``: what every consumer of one worker process shares."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING

from pykue.core.queue import Queue
from pykue.settings import Settings
from pykue.worker.ops import OpsCache
from pykue.worker.scripts import ScriptRunner

if TYPE_CHECKING:
    from pykue.worker.finisher import Finisher
    from pykue.worker.leases import LeaseKeeper
    from pykue.worker.ttlwatch import TtlWatch


@dataclass(eq=False)
class WorkerEnv:
    """Shared parts of one ``Worker``: Redis, scripts, leases, the batcher, the thread pool."""

    queue: Queue
    settings: Settings
    runner: ScriptRunner
    ops: OpsCache
    finisher: Finisher
    leases: LeaseKeeper
    ttl_watch: TtlWatch
    executor: ThreadPoolExecutor
    instance: str
    pid: int
    host: str = field(default_factory=socket.gethostname)
    poll_s: float = 1.0
    _tokens: count[int] = field(default_factory=lambda: count(1))

    def fencing_token(self) -> str:
        """A token no other reservation (of any process) ever uses."""
        return f"{self.instance}:{next(self._tokens)}"

    def worker_id(self, job_type: str, slot: int) -> str:
        """Kue's ``workerId``: ``kue:<host>:<pid>:<type>:<n>``."""
        return f"kue:{self.host}:{self.pid}:{job_type}:{slot}"
