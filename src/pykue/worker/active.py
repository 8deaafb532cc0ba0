"""``ActiveJob``: a job this process holds under a lease while its handler runs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pykue.core.job import Job
from pykue.worker.ops import Held


@dataclass(slots=True, eq=False)
class ActiveJob:
    """A held job: its snapshot, its lease (``held``), its worker slot and its TTL clock."""

    job: Job
    held: Held
    slot: int
    deadline: asyncio.Timeout | None = None
    ttl_ack: bool = False
    lost: bool = False

    @property
    def ttl_s(self) -> float | None:
        ttl = self.job.ttl or 0
        return ttl / 1000 if ttl > 0 else None

    def extend_ttl(self) -> None:
        """Progress restarts the TTL clock, as in Kue (its TTL score is refreshed)."""
        ttl = self.ttl_s
        if self.deadline is not None and ttl is not None and not self.deadline.expired():
            self.deadline.reschedule(asyncio.get_running_loop().time() + ttl)

    def expire_now(self) -> None:
        """Kue's TTL checker says the job is overdue: fail it now and acknowledge."""
        if self.deadline is not None and not self.deadline.expired():
            self.ttl_ack = True
            self.deadline.reschedule(asyncio.get_running_loop().time())
