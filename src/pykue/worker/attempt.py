"""One run of a handler: call it (on the loop or in a thread) under the job's TTL, and turn
what happened into the script call that records it (complete.lua or fail.lua)."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from typing import Any

from pykue.core.codec import now_ms
from pykue.core.handlers import HandlerSpec
from pykue.core.spec import resolve_function
from pykue.worker import outcome
from pykue.worker.active import ActiveJob
from pykue.worker.context import JobContext, SyncJobContext, TypeControl
from pykue.worker.env import WorkerEnv
from pykue.worker.ops import FailureArgs, TypeOps
from pykue.worker.scripts import Call

log = logging.getLogger("pykue.worker")


def wants_context(fn: Any) -> bool:
    """True if the handler takes a second positional argument (the context)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = [
        p
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in positional)


class Runner:
    """Runs jobs of one type with its handler."""

    def __init__(self, env: WorkerEnv, spec: HandlerSpec, ops: TypeOps, control: TypeControl):
        self.env = env
        self.spec = spec
        self.ops = ops
        self.control = control
        self.is_async = spec.is_async
        self.with_context = wants_context(spec.fn)

    async def attempt(self, active: ActiveJob) -> Call:
        """Run the handler once; the script call recording the outcome."""
        deadline = asyncio.timeout(active.ttl_s)
        active.deadline = deadline
        try:
            async with deadline:
                value = await self._call(active)
        except Exception as exc:
            if deadline.expired():
                failure = outcome.from_reason(
                    outcome.TTL_EXCEEDED, self.retry_delay(active), ack=active.ttl_ack
                )
                return self.ops.fail(active.held, now_ms(), failure)
            return self.ops.fail(active.held, now_ms(), self.failure(active, exc))
        return self.ops.complete(active.held, now_ms(), outcome.result_json(value))

    def failure(self, active: ActiveJob, exc: BaseException) -> FailureArgs:
        return outcome.from_exception(exc, self.retry_delay(active))

    async def _call(self, active: ActiveJob) -> Any:
        if self.is_async:
            if self.with_context:
                return await self.spec.fn(
                    active.job, JobContext(self.env.queue, active, self.control)
                )
            return await self.spec.fn(active.job)
        loop = asyncio.get_running_loop()
        args: tuple[Any, ...] = (active.job,)
        if self.with_context:
            ctx = JobContext(self.env.queue, active, self.control)
            args = (active.job, SyncJobContext(ctx, loop))
        return await loop.run_in_executor(self.env.executor, functools.partial(self.spec.fn, *args))

    def retry_delay(self, active: ActiveJob) -> int | None:
        """The backoff delay before the next attempt, or None for an immediate retry (or none).

        Order: the job's own Python backoff function, the handler's ``backoff``, the job's Kue
        backoff (``true``, fixed, exponential; a Node function falls back to its ``delay``).
        """
        job = active.job
        made = job.attempts_made + 1 if job.attempts_made < job.max_attempts else job.max_attempts
        if job.max_attempts - made <= 0:
            return None
        function = _function(job.fields.get("pykue_backoff")) or self.spec.backoff
        if function is not None:
            try:
                return max(0, int(function(made, job.delay or 0)))
            except Exception as exc:
                log.error("backoff function of job %s failed: %s", job.id, exc)
        if job.backoff is not None:
            return max(0, job.backoff.next_delay(made, job.delay))
        return None


@functools.lru_cache(maxsize=64)
def _function(path: str | None) -> Any:
    if not path:
        return None
    target = resolve_function(path)
    return target if callable(target) else None
