"""``Worker``: runs a Queue's handlers in this process, with leases, retries, TTL and drain.

::

    worker = Worker(queue)          # queue.handlers filled by @queue.process
    await worker.start()
    ...
    await worker.stop()             # stop taking, let running jobs finish, release the rest

Delivery is at least once: every job taken is under a lease renewed by a heartbeat; if this
process dies its jobs go back to inactive after about ``lease_ms`` (see ``Housekeeper``), and
an outcome written after the lease was lost is refused by the scripts (fencing).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from redis.exceptions import RedisError

from pykue.core.codec import now_ms
from pykue.core.keys import strip_zid
from pykue.core.queue import Queue
from pykue.errors import InvalidOption
from pykue.worker.active import ActiveJob
from pykue.worker.consumer import Consumer
from pykue.worker.env import WorkerEnv
from pykue.worker.finisher import Finisher
from pykue.worker.housekeeping import Housekeeper
from pykue.worker.leases import LeaseKeeper
from pykue.worker.ops import OpsCache
from pykue.worker.scripts import ScriptRunner
from pykue.worker.ttlwatch import TtlWatch

log = logging.getLogger("pykue.worker")
SCRIPTS = ("reserve", "activate", "complete", "fail", "renew", "release")


class Worker:
    """Processes the jobs of ``queue.handlers`` (or only ``types``) in this process."""

    def __init__(
        self,
        queue: Queue,
        *,
        types: Sequence[str] | None = None,
        housekeeping: bool = True,
        poll_s: float = 1.0,
    ) -> None:
        names = list(types) if types is not None else list(queue.handlers)
        unknown = [t for t in names if t not in queue.handlers]
        if unknown:
            raise InvalidOption(f"no handler registered for job type(s): {', '.join(unknown)}")
        self.queue = queue
        self.settings = queue.settings
        self.types = names
        self._housekeeping = housekeeping
        self._poll_s = poll_s
        self._consumers: dict[str, Consumer] = {}
        self._env: WorkerEnv | None = None
        self._housekeeper: Housekeeper | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self.name = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    # -- lifecycle ---------------------------------------------------------------------------

    def _build_env(self) -> WorkerEnv:
        queue = self.queue
        runner = ScriptRunner(queue.client)
        threads = sum(
            queue.handlers[t].concurrency for t in self.types if not queue.handlers[t].is_async
        )
        leases = LeaseKeeper(
            runner, queue.keys, self.name, self.settings.lease_ms, self._lease_lost
        )
        return WorkerEnv(
            queue=queue,
            settings=self.settings,
            runner=runner,
            ops=OpsCache(queue.keys),
            finisher=Finisher(runner),
            leases=leases,
            ttl_watch=TtlWatch(queue.client, queue.keys.events, self.held),
            executor=ThreadPoolExecutor(max(1, threads), thread_name_prefix="pykue-handler"),
            instance=uuid.uuid4().hex,
            pid=os.getpid(),
            poll_s=self._poll_s,
        )

    async def start(self) -> None:
        """Connect, and start taking jobs of every type."""
        await self.queue.connect()
        env = self._env = self._build_env()
        await env.runner.load(SCRIPTS)
        await env.leases.renew()
        env.finisher.start()
        self._heartbeat = asyncio.create_task(env.leases.run(), name="pykue-heartbeat")
        slot = 1
        for job_type in self.types:
            spec = self.queue.handlers[job_type]
            consumer = self._consumers[job_type] = Consumer(env, spec, slot)
            slot += spec.concurrency
            consumer.start()
        if self._housekeeping:
            self._housekeeper = Housekeeper(self.queue.client, self.queue.keys, self.settings)
            self._housekeeper.start()
        log.info("worker %s taking %s", self.name, ", ".join(self.types) or "nothing")

    async def stop(self, grace_s: float | None = None) -> int:
        """Graceful shutdown: stop taking jobs, give running ones ``grace_s`` seconds (default
        ``drain_timeout_s``), then put the unfinished back to inactive without spending an
        attempt. Returns how many jobs were put back."""
        env = self._env
        if env is None:
            return 0
        self._env = None
        wait = self.settings.drain_timeout_s if grace_s is None else grace_s
        await asyncio.gather(*(c.stop_taking() for c in self._consumers.values()))
        tasks = [t for c in self._consumers.values() for t in c.tasks()]
        if tasks:
            await asyncio.wait(tasks, timeout=wait)
        await env.finisher.flush()
        left: list[ActiveJob] = []
        for consumer in self._consumers.values():
            left += await consumer.cancel_running()
        released = await self._release(env, left)
        await env.finisher.close()
        await self._stop_background(env)
        env.executor.shutdown(wait=False, cancel_futures=True)
        log.info("worker %s stopped (%d job(s) put back)", self.name, released)
        return released

    async def _release(self, env: WorkerEnv, left: list[ActiveJob]) -> int:
        if not left:
            return 0
        now = now_ms()
        calls = [env.ops(a.job.type).release(a.held, now) for a in left]
        try:
            return sum(int(r) for r in await env.runner.batch(calls))
        except (RedisError, OSError) as exc:
            log.error("could not put %d job(s) back (lease recovery will): %s", len(left), exc)
            return 0

    async def _stop_background(self, env: WorkerEnv) -> None:
        if self._housekeeper is not None:
            await self._housekeeper.stop()
            self._housekeeper = None
        if self._heartbeat is not None:
            env.leases.stopped = True
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
            self._heartbeat = None
        await env.ttl_watch.close()
        with contextlib.suppress(RedisError, OSError):
            await self.queue.client.zrem(self.queue.keys.workers, self.name)

    async def run(self, stop: asyncio.Event) -> int:
        """Start, run until ``stop`` is set, then stop gracefully."""
        await self.start()
        try:
            await stop.wait()
        finally:
            released = await self.stop()
        return released

    # -- control and state -------------------------------------------------------------------

    def _consumer(self, job_type: str) -> Consumer:
        try:
            return self._consumers[job_type]
        except KeyError:
            raise InvalidOption(f"this worker does not process {job_type!r} jobs") from None

    def pause(self, job_type: str) -> None:
        """Stop taking ``job_type`` jobs in this process (running ones go on)."""
        self._consumer(job_type).pause()

    def resume(self, job_type: str) -> None:
        self._consumer(job_type).resume()

    async def pause_everywhere(self, job_type: str) -> None:
        """Stop every pykue worker (all processes) from taking ``job_type`` jobs."""
        await self.queue.client.sadd(self.queue.keys.paused, job_type)

    async def resume_everywhere(self, job_type: str) -> None:
        await self.queue.client.srem(self.queue.keys.paused, job_type)

    def held(self, job_id: int) -> ActiveJob | None:
        """The job with that id if this process is running it."""
        for consumer in self._consumers.values():
            active = consumer.held(job_id)
            if active is not None:
                return active
        return None

    @property
    def running(self) -> int:
        """Jobs running now."""
        return sum(len(c.running) for c in self._consumers.values())

    def _lease_lost(self, member: str, token: str) -> None:
        active = self.held(strip_zid(member))
        if active is not None and active.held.token == token and not active.lost:
            active.lost = True
            log.warning("job %s: lease lost (recovered by another process)", active.job.id)
