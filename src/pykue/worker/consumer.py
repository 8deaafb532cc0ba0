"""``Consumer``: takes jobs of one type and runs them, up to its concurrency.

Loop: wait for a free slot (and not paused) -> reserve up to the free slots in one script ->
activate them in one script call -> start a task per job. With nothing to take it blocks on Kue's
wake-up token list (``BLPOP q:<type>:jobs``) for at most ``poll_s``, so it wakes at once on an
enqueue and a job whose token went missing waits at most ``poll_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, cast

from redis.asyncio.client import Redis
from redis.exceptions import RedisError

from pykue.core import connection
from pykue.core.codec import now_ms
from pykue.core.handlers import HandlerSpec
from pykue.core.job import Job
from pykue.core.keys import strip_zid, zid
from pykue.worker.active import ActiveJob
from pykue.worker.attempt import Runner
from pykue.worker.env import WorkerEnv
from pykue.worker.ops import Held

log = logging.getLogger("pykue.worker")
RETRY_PAUSE_S = 1.0
CANCEL_WAIT_S = 1.0


class Consumer:
    """The jobs of one type in this process: slots ``first_slot .. first_slot+concurrency-1``."""

    def __init__(self, env: WorkerEnv, spec: HandlerSpec, first_slot: int) -> None:
        self.env = env
        self.spec = spec
        self.job_type = spec.job_type
        self.ops = env.ops(spec.job_type)
        self.runner = Runner(env, spec, self.ops, self)
        self.running: dict[int, tuple[ActiveJob, asyncio.Task[None]]] = {}
        self._slots = list(range(first_slot + spec.concurrency - 1, first_slot - 1, -1))
        self._paused = False
        self._stopping = False
        self._changed = asyncio.Event()
        self._blocking: Redis | None = None
        self._task: asyncio.Task[None] | None = None

    # -- control -----------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        self._paused = True
        self._changed.set()

    def resume(self) -> None:
        self._paused = False
        self._changed.set()

    def start(self) -> None:
        queue = self.env.queue
        if queue.is_cluster:
            self._blocking = cast(Redis, connection.connect_cluster(queue.url))
        else:
            self._blocking = connection.connect(queue.url, max_connections=1)
        self._task = asyncio.create_task(self._loop(), name=f"pykue-consumer-{self.job_type}")

    async def stop_taking(self) -> None:
        """Stop taking jobs (returns once the taking loop has ended: at most ``poll_s``)."""
        self._stopping = True
        self._changed.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._blocking is not None:
            await self._blocking.aclose()
            self._blocking = None

    # -- taking jobs -------------------------------------------------------------------------

    async def _loop(self) -> None:
        consumed = 0
        try:
            while not self._stopping:
                if not self._slots or self._paused:
                    self._changed.clear()
                    await self._changed.wait()
                    continue
                consumed = await self._take(consumed)
        finally:
            if consumed:
                await self._give_back_token()

    async def _take(self, consumed: int) -> int:
        """One round: reserve and start jobs; returns 1 if a wake-up token is now held."""
        try:
            token = self.env.fencing_token()
            reply = await self.env.runner.call(
                "reserve",
                *self.ops.reserve(len(self._slots), consumed, self.env.leases.deadline(), token)[
                    1:
                ],
            )
            if reply is None:  # paused for every pykue worker: look again in a while
                await asyncio.sleep(self.env.poll_s)
                return 0
            if reply:
                await self._activate(_pairs(reply), token)
                return 0
            if consumed or self._paused or self._stopping:
                return 0
            return await self._wait_token()
        except (RedisError, OSError) as exc:
            log.warning("%s: cannot take jobs: %s", self.job_type, exc)
            await asyncio.sleep(RETRY_PAUSE_S)
            return 0

    async def _wait_token(self) -> int:
        assert self._blocking is not None
        got = await self._blocking.blpop(
            [self.env.queue.keys.tokens(self.job_type)], self.env.poll_s
        )
        if got and (self._paused or self._stopping):
            await self._give_back_token()
            return 0
        return 1 if got else 0

    async def _give_back_token(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self.env.queue.client.lpush(self.env.queue.keys.tokens(self.job_type), 1)

    async def _activate(self, job_ids: list[int], token: str) -> None:
        now = now_ms()
        slots = [self._slots.pop() for _ in job_ids]
        workers = [self.env.worker_id(self.job_type, slot) for slot in slots]
        for job_id in job_ids:
            self.env.leases.add(zid(job_id), token)
        try:
            replies = await self.env.runner.call(
                *self.ops.activate(list(zip(job_ids, workers, strict=True)), token, now)
            )
        except BaseException:
            for job_id, slot in zip(job_ids, slots, strict=True):
                self._forget(job_id, slot)
            raise
        for job_id, slot, worker, fields in zip(job_ids, slots, workers, replies, strict=True):
            if not fields:
                self._forget(job_id, slot)
                continue
            job = Job.from_hash(job_id, _activated(fields, now, worker))
            held = Held(job_id, token, worker, now)
            self._start(ActiveJob(job, held, slot))

    def _start(self, active: ActiveJob) -> None:
        if active.ttl_s is not None:
            self.env.ttl_watch.need()
        task = asyncio.create_task(self._run(active))
        self.running[active.job.id] = (active, task)

    def _forget(self, job_id: int, slot: int) -> None:
        self.env.leases.remove(zid(job_id))
        self.running.pop(job_id, None)
        self._slots.append(slot)
        self._changed.set()

    # -- running jobs ------------------------------------------------------------------------

    async def _run(self, active: ActiveJob) -> None:
        try:
            call = await self.runner.attempt(active)
            result = await self.env.finisher.submit(call)
            self._report(active, call[0], result)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("job %s: outcome not written: %s", active.job.id, exc)
        finally:
            self._forget(active.job.id, active.slot)

    def _report(self, active: ActiveJob, name: str, result: Any) -> None:
        code = int(result[0]) if isinstance(result, list) else int(result)
        job = active.job
        if code == 0:
            log.warning("job %s (%s): lease lost; outcome discarded", job.id, job.type)
        elif name == "fail":
            verb = "will be retried" if code == 1 else "failed"
            log.info("job %s (%s) attempt %s %s", job.id, job.type, result[1], verb)

    def held(self, job_id: int) -> ActiveJob | None:
        entry = self.running.get(job_id)
        return entry[0] if entry is not None else None

    def tasks(self) -> list[asyncio.Task[None]]:
        return [task for _, task in self.running.values()]

    async def cancel_running(self) -> list[ActiveJob]:
        """Cancel the handlers still running; returns their jobs (to be put back)."""
        left = [(a, t) for a, t in list(self.running.values()) if not t.done()]
        for _, task in left:
            task.cancel()
        if left:
            # A handler that swallows the cancellation is abandoned after a moment.
            await asyncio.wait([t for _, t in left], timeout=CANCEL_WAIT_S)
        return [a for a, _ in left]


def _pairs(reply: list[Any]) -> list[int]:
    return [strip_zid(str(reply[i])) for i in range(0, len(reply), 2)]


def _activated(flat: list[Any], now: int, worker_id: str) -> dict[str, str]:
    """The job hash as activate.lua left it (it returns the hash as it was before)."""
    it = iter(flat)
    fields = {str(k): str(v) for k, v in zip(it, it, strict=True)}
    stamp = str(now)
    fields.update(state="active", started_at=stamp, workerId=worker_id, updated_at=stamp)
    return fields
