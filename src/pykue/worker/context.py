"""What a handler gets besides the job: progress, log, its attempt number, pause and resume.

``async def handler(job, ctx)`` gets a ``JobContext`` (awaitable methods); a plain ``def``
handler runs in a thread and gets a ``SyncJobContext`` (the same methods, blocking).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Protocol, TypeVar

from pykue.core.job import Job
from pykue.core.queue import Queue
from pykue.worker.active import ActiveJob

T = TypeVar("T")


class TypeControl(Protocol):
    """Pause and resume of one job type in this process."""

    def pause(self) -> None: ...

    def resume(self) -> None: ...


class JobContext:
    """The context of one run of a job (for ``async`` handlers)."""

    def __init__(self, queue: Queue, active: ActiveJob, control: TypeControl) -> None:
        self._queue = queue
        self._active = active
        self._control = control

    @property
    def job(self) -> Job:
        return self._active.job

    @property
    def id(self) -> int:
        return self._active.job.id

    @property
    def attempt(self) -> int:
        """This run's attempt number: 1 for the first run."""
        return self._active.job.attempts_made + 1

    @property
    def max_attempts(self) -> int:
        return self._active.job.max_attempts

    @property
    def worker_id(self) -> str:
        """Kue's ``workerId`` of this run: ``kue:<host>:<pid>:<type>:<n>``."""
        return self._active.held.worker_id

    async def progress(self, done: float, total: float = 100, data: Any = None) -> int:
        """Report progress (Kue's ``job.progress``); restarts the job's TTL clock."""
        percent = await self._queue.progress(self.id, done, total, data)
        self._active.extend_ttl()
        return percent

    async def log(self, fmt: Any, *args: Any) -> None:
        """Append a line to the job's log, formatted as Kue's ``job.log(fmt, ...args)``."""
        await self._queue.log(self.id, fmt, *args)

    def pause(self) -> None:
        """Stop taking jobs of this type in this process (running ones go on)."""
        self._control.pause()

    def resume(self) -> None:
        """Take jobs of this type again."""
        self._control.resume()


class SyncJobContext:
    """The context of one run, for plain ``def`` handlers running in a worker thread."""

    def __init__(self, inner: JobContext, loop: asyncio.AbstractEventLoop) -> None:
        self._inner = inner
        self._loop = loop

    def _wait(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    @property
    def job(self) -> Job:
        return self._inner.job

    @property
    def id(self) -> int:
        return self._inner.id

    @property
    def attempt(self) -> int:
        return self._inner.attempt

    @property
    def max_attempts(self) -> int:
        return self._inner.max_attempts

    @property
    def worker_id(self) -> str:
        return self._inner.worker_id

    def progress(self, done: float, total: float = 100, data: Any = None) -> int:
        return self._wait(self._inner.progress(done, total, data))

    def log(self, fmt: Any, *args: Any) -> None:
        self._wait(self._inner.log(fmt, *args))

    def pause(self) -> None:
        self._loop.call_soon_threadsafe(self._inner.pause)

    def resume(self) -> None:
        self._loop.call_soon_threadsafe(self._inner.resume)
