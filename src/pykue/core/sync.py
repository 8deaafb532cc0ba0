"""``SyncQueue``: the producer and read side of ``Queue`` for synchronous code (WSGI, Django,
Flask, scripts).

It runs an ordinary async ``Queue`` on a private event loop in a daemon thread, so both share one
implementation (the same Lua scripts, validation and errors). Every method blocks until Redis has
answered and is safe to call from any thread::

    with SyncQueue("redis://127.0.0.1:6379/0") as queue:
        job = queue.create("email", {"to": "a@example.com"}, priority="high")

A process forked from one that used the facade (pre-forking WSGI servers) gets its own loop
thread and connections on first use.
"""

from __future__ import annotations

import asyncio
import os
import queue as thread_queue
import threading
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from pykue.core.events import Event, Subscription
from pykue.core.job import Job
from pykue.core.keys import Keys
from pykue.core.queue import JobInput, Queue
from pykue.core.states import JobState
from pykue.errors import PykueError
from pykue.settings import Settings

T = TypeVar("T")


class SyncQueue:
    """A blocking facade over ``Queue`` (same arguments, same methods, same errors)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        prefix: str | None = None,
        settings: Settings | None = None,
    ) -> None:
        self._args = (url, prefix, settings)
        self._closed = False
        self._start()

    def _start(self) -> None:
        url, prefix, settings = self._args
        # After a fork the parent's Queue is kept, never used nor collected here: finalising its
        # connections in this process could disturb the sockets the parent still uses.
        self._forked_from = (getattr(self, "queue", None), getattr(self, "_loop", None))
        self.queue = Queue(url, prefix=prefix, settings=settings)
        self._pid = os.getpid()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="pykue-sync-queue", daemon=True
        )
        self._thread.start()

    def _run(self, call: Callable[[Queue], Coroutine[Any, Any, T]]) -> T:
        """Run ``call(queue)`` on the private loop and wait for its result."""
        if self._closed:
            raise PykueError("this SyncQueue is closed")
        if self._pid != os.getpid():
            # A forked child (e.g. a pre-forking WSGI server) has no loop thread and must not
            # share the parent's connections: start afresh.
            self._start()
        return asyncio.run_coroutine_threadsafe(call(self.queue), self._loop).result()

    @property
    def keys(self) -> Keys:
        return self.queue.keys

    @property
    def settings(self) -> Settings:
        return self.queue.settings

    def connect(self) -> SyncQueue:
        """Make sure Redis answers (``RedisUnavailable`` otherwise)."""
        self._run(lambda q: q.connect())
        return self

    def close(self) -> None:
        """Close the connections and stop the private loop (idempotent)."""
        if self._closed:
            return
        try:
            self._run(lambda q: q.close())
        finally:
            self._closed = True
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()

    def __enter__(self) -> SyncQueue:
        return self.connect()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- producing ---------------------------------------------------------------------------

    def create(self, job_type: str, data: Any = None, **options: Any) -> Job:
        """``Queue.create``."""
        return self._run(lambda q: q.create(job_type, data, **options))

    def create_many(self, jobs: Iterable[JobInput], *, events: bool = True) -> list[Job]:
        """``Queue.create_many``."""
        items = list(jobs)
        return self._run(lambda q: q.create_many(items, events=events))

    # -- reading -----------------------------------------------------------------------------

    def get(self, job_id: int | str) -> Job:
        return self._run(lambda q: q.get(job_id))

    def get_many(self, ids: Sequence[int]) -> list[Job]:
        return self._run(lambda q: q.get_many(ids))

    def ids(
        self, state: str | None = None, job_type: str | None = None, start: int = 0, stop: int = -1
    ) -> list[int]:
        return self._run(lambda q: q.ids(state, job_type, start, stop))

    def range(
        self,
        state: str | None = None,
        job_type: str | None = None,
        start: int = 0,
        stop: int = -1,
        order: str = "asc",
    ) -> list[Job]:
        return self._run(lambda q: q.range(state, job_type, start, stop, order))

    def count(self, state: str | None = None, job_type: str | None = None) -> int:
        return self._run(lambda q: q.count(state, job_type))

    def stats(self) -> dict[str, int | None]:
        return self._run(lambda q: q.stats())

    def types(self) -> list[str]:
        return self._run(lambda q: q.types())

    def log_lines(self, job_id: int | str) -> list[str]:
        return self._run(lambda q: q.log_lines(job_id))

    # -- changing ----------------------------------------------------------------------------

    def set_state(self, job_id: int | str, state: str | JobState) -> str:
        return self._run(lambda q: q.set_state(job_id, state))

    def restart(self, job_id: int | str) -> str:
        return self._run(lambda q: q.restart(job_id))

    def set_priority(self, job_id: int | str, priority: int | str) -> None:
        self._run(lambda q: q.set_priority(job_id, priority))

    def remove(self, job_id: int | str) -> str:
        return self._run(lambda q: q.remove(job_id))

    def progress(self, job_id: int | str, done: float, total: float = 100, data: Any = None) -> int:
        return self._run(lambda q: q.progress(job_id, done, total, data))

    def log(self, job_id: int | str, fmt: Any, *args: Any) -> None:
        self._run(lambda q: q.log(job_id, fmt, *args))

    def set_result(self, job_id: int | str, result: Any) -> None:
        self._run(lambda q: q.set_result(job_id, result))

    # -- events ------------------------------------------------------------------------------

    def publish(self, job_id: int, event: str, *args: Any) -> None:
        self._run(lambda q: q.publish(job_id, event, *args))

    def subscribe(
        self, *, job_id: int | None = None, names: Sequence[str] | None = None
    ) -> SyncSubscription:
        """``with queue.subscribe() as events: event = events.get(timeout=1.0)``."""

        async def make(queue: Queue) -> Subscription:
            return queue.subscribe(job_id=job_id, names=names)

        return SyncSubscription(self, self._run(make))


class SyncSubscription:
    """Events received on the facade's loop, handed to the calling thread."""

    def __init__(self, owner: SyncQueue, subscription: Subscription) -> None:
        self._owner = owner
        self._subscription = subscription
        self._inbox: thread_queue.Queue[Event] = thread_queue.Queue()
        self._task: asyncio.Task[None] | None = None

    def __enter__(self) -> SyncSubscription:
        self._owner._run(lambda _queue: self._subscription.__aenter__())
        self._task = self._owner._run(lambda _queue: self._start())
        return self

    async def _start(self) -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(self._pump())

    async def _pump(self) -> None:
        async for event in self._subscription:
            self._inbox.put(event)

    async def _stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._subscription.close()

    def __exit__(self, *_exc: object) -> None:
        self._owner._run(lambda _queue: self._stop())

    def get(self, timeout: float | None = None) -> Event | None:
        """The next event, or None if none arrives within ``timeout`` seconds."""
        try:
            return self._inbox.get(timeout=timeout)
        except thread_queue.Empty:
            return None

    def __iter__(self) -> Iterator[Event]:
        while True:
            yield self._inbox.get()
