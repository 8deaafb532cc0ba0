"""``Housekeeper``: promotes due delayed jobs and recovers jobs whose lease expired.

Any number of processes may run one; only the leader acts (``SET NX PX`` on the prefixed
``q:pykue:leader`` key, extended while it keeps ticking, released by compare-and-delete). Kue's
unprefixed ``promotion:lock`` is not used. Every move is one script that re-checks the job, so
even two leaders (after a long pause) could not promote or recover a job twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass

import orjson
from redis.asyncio.client import Redis
from redis.exceptions import RedisError

from pykue.core.codec import now_ms
from pykue.core.keys import Keys, strip_zid
from pykue.settings import Settings
from pykue.worker.ops import OpsCache
from pykue.worker.outcome import LEASE_EXPIRED
from pykue.worker.scripts import Call, ScriptRunner

log = logging.getLogger("pykue.housekeeping")
BATCH = 1000
HISTORY_KEEP_MINUTES = 120
WORKER_FORGET_MS = 600_000
TRIM_EVERY_S = 60.0


@dataclass(frozen=True, slots=True)
class TickResult:
    leader: bool
    promoted: int = 0
    recovered: int = 0


class Housekeeper:
    """``await hk.tick()`` once, or ``hk.start()`` / ``await hk.stop()`` for the periodic loop."""

    def __init__(self, client: Redis, keys: Keys, settings: Settings) -> None:
        self._client = client
        self._keys = keys
        self._settings = settings
        self._runner = ScriptRunner(client)
        self._ops = OpsCache(keys)
        self.token = uuid.uuid4().hex
        self._task: asyncio.Task[None] | None = None
        self._last_trim = 0.0
        self._stopping = False

    @property
    def lock_ms(self) -> int:
        return max(3 * self._settings.promote_interval_ms, 1000)

    async def lead(self) -> bool:
        """Take or keep the leadership; True if this housekeeper leads now."""
        reply = await self._runner.call("leader", [self._keys.leader], [self.token, self.lock_ms])
        return bool(reply)

    async def tick(self) -> TickResult:
        """One round: if leader, promote due delayed jobs and recover expired leases."""
        if not await self.lead():
            return TickResult(False)
        promoted = await self.promote_due()
        recovered = await self.recover_expired()
        loop_time = asyncio.get_running_loop().time()
        if loop_time - self._last_trim >= TRIM_EVERY_S:
            self._last_trim = loop_time
            await self.trim()
        return TickResult(True, promoted, recovered)

    async def _due(self, key: str, low: str | int, now: int) -> tuple[list[int], list[str]]:
        members = await self._client.zrangebyscore(key, low, now, start=0, num=BATCH)
        ids = [strip_zid(str(m)) for m in members]
        async with self._client.pipeline(transaction=False) as pipe:
            for job_id in ids:
                pipe.hget(self._keys.job(job_id), "type")
            types = await pipe.execute()
        return ids, [str(t) if t is not None else "" for t in types]

    async def _run_all(self, calls: list[Call]) -> int:
        if not calls:
            return 0
        return sum(1 for r in await self._runner.batch(calls) if int(r) > 0)

    async def promote_due(self) -> int:
        """Move every delayed job whose time has come to inactive; returns how many moved."""
        now = now_ms()
        ids, types = await self._due(self._keys.state("delayed"), 0, now)
        calls = [self._ops(t).promote(i, now) for i, t in zip(ids, types, strict=True)]
        return await self._run_all(calls)

    async def recover_expired(self) -> int:
        """Take back every job whose lease expired; returns how many went back or failed."""
        now = now_ms()
        ids, types = await self._due(self._keys.leases, "-inf", now)
        spend = self._settings.recovery_counts_attempt
        error_json = orjson.dumps(LEASE_EXPIRED).decode()
        calls = [
            self._ops(t).recover(i, now, spend, LEASE_EXPIRED, error_json)
            for i, t in zip(ids, types, strict=True)
        ]
        recovered = await self._run_all(calls)
        if recovered:
            log.warning("recovered %d job(s) from workers that stopped", recovered)
        return recovered

    async def trim(self) -> None:
        """Drop per-minute history older than two hours and workers long gone."""
        now = now_ms()
        oldest = now // 60_000 - HISTORY_KEEP_MINUTES
        for kind in ("complete", "failed"):
            key = self._keys.history(kind)
            old = [m for m in await self._client.hkeys(key) if _minute(str(m)) < oldest]
            if old:
                await self._client.hdel(key, *old)
        await self._client.zremrangebyscore(self._keys.workers, "-inf", now - WORKER_FORGET_MS)

    async def _loop(self) -> None:
        interval = self._settings.promote_interval_ms / 1000
        while not self._stopping:
            try:
                await self.tick()
            except (RedisError, OSError) as exc:
                log.warning("housekeeping failed: %s", exc)
            await asyncio.sleep(interval)

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="pykue-housekeeper")

    async def stop(self) -> None:
        """Stop the loop and give up the leadership."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(RedisError, OSError):
            await self._runner.call("unlock", [self._keys.leader], [self.token])


def _minute(field: str) -> int:
    try:
        return int(field)
    except ValueError:
        return 0
