"""``LeaseKeeper``: the heartbeat that keeps this process's jobs leased (renew.lua)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from redis.exceptions import RedisError

from pykue.core.codec import now_ms
from pykue.core.keys import Keys
from pykue.worker.scripts import ScriptRunner

log = logging.getLogger("pykue.worker")


class LeaseKeeper:
    """Renews the lease of every held job every ``lease_ms / 3``; reports leases lost."""

    def __init__(
        self,
        runner: ScriptRunner,
        keys: Keys,
        name: str,
        lease_ms: int,
        on_lost: Callable[[str, str], None],
    ) -> None:
        self._runner = runner
        self._keys = keys
        self.name = name
        self.lease_ms = lease_ms
        self._on_lost = on_lost
        self._held: dict[str, str] = {}
        self.stopped = False

    def add(self, member: str, token: str) -> None:
        self._held[member] = token

    def remove(self, member: str) -> None:
        self._held.pop(member, None)

    def deadline(self) -> int:
        return now_ms() + self.lease_ms

    async def renew(self) -> list[str]:
        """One heartbeat; returns the zids whose lease was lost."""
        k = self._keys
        pairs = [x for item in self._held.items() for x in item]
        keys = [k.leases, k.owners, k.workers]
        now = now_ms()
        lost = await self._runner.call("renew", keys, [now + self.lease_ms, self.name, now, *pairs])
        for member in lost:
            token = self._held.get(str(member))
            if token is not None:
                self._on_lost(str(member), token)
        return [str(m) for m in lost]

    async def run(self) -> None:
        """Heartbeat until ``stopped`` is set (and the task cancelled)."""
        while not self.stopped:
            await asyncio.sleep(self.lease_ms / 3000)
            try:
                await self.renew()
            except (RedisError, OSError) as exc:
                log.warning("heartbeat failed: %s", exc)
