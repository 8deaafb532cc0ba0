"""Live updates: one loop per process reads the counts (~1/s) and listens to the job events;
every browser gets them over one Server-Sent Events stream (``GET /api/live``).

Messages: ``stats`` (Kue's /stats body, sent when it changes), ``history`` (the per-minute chart
data, every few seconds) and ``changes`` (ids of jobs that had events in the last half second,
so an open job or list refreshes itself). Slow browsers lose messages, never slow the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from redis.exceptions import RedisError

from pykue.core.events import decode
from pykue.core.queue import Queue
from pykue.web.dashboard_api import history
from pykue.web.kue_api import kue_stats
from pykue.web.responses import dumps
from pykue.web.state import LIVE

log = logging.getLogger("pykue.web.live")

CLIENT_BUFFER = 64
MAX_IDS = 200
PING_S = 15.0


class Live:
    """The fan-out hub: ``connect()`` a browser, ``start()``/``stop()`` the loops."""

    def __init__(self, queue: Queue, interval: float = 1.0, history_every: int = 5) -> None:
        self.queue = queue
        self.interval = interval
        self.history_every = history_every
        self.clients: set[asyncio.Queue[str | None]] = set()
        self.last: dict[str, str] = {}
        self._changed: set[int] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._running = False
        self._joined = asyncio.Event()

    def start(self) -> None:
        self._running = True
        for loop in (self._stats_loop, self._events_loop, self._changes_loop):
            self._tasks.append(asyncio.create_task(self._forever(loop)))

    async def stop(self) -> None:
        self._running = False
        self.close_clients()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # A Redis client may turn a cancellation into a connection error: _forever then
            # sees _running is False and returns; the timeout is a last resort.
            await asyncio.wait(self._tasks, timeout=5)
        self._tasks.clear()

    def connect(self) -> asyncio.Queue[str | None]:
        client: asyncio.Queue[str | None] = asyncio.Queue(CLIENT_BUFFER)
        for frame in self.last.values():
            client.put_nowait(frame)
        self.clients.add(client)
        self._joined.set()  # the loops idle without clients: refresh what they last sent now
        return client

    def disconnect(self, client: asyncio.Queue[str | None]) -> None:
        self.clients.discard(client)

    def close_clients(self) -> None:
        for client in list(self.clients):
            with contextlib.suppress(asyncio.QueueFull):
                client.put_nowait(None)

    def broadcast(self, name: str, body: Any, *, keep: bool = False) -> None:
        frame = f"event: {name}\ndata: {dumps(body)}\n\n"
        if keep:
            self.last[name] = frame
        for client in list(self.clients):
            with contextlib.suppress(asyncio.QueueFull):
                client.put_nowait(frame)

    async def _forever(self, loop: Callable[[], Awaitable[None]]) -> None:
        while self._running and not _cancelling():
            try:
                await loop()
            except (RedisError, OSError) as exc:
                if not self._running:
                    return
                log.warning("live updates: redis error: %s", exc)
                await asyncio.sleep(self.interval)

    async def _stats_loop(self) -> None:
        tick = 0
        while True:
            if self.clients or not self.last:
                stats = await kue_stats(self.queue)
                if f"data: {dumps(stats)}\n" not in self.last.get("stats", ""):
                    self.broadcast("stats", stats, keep=True)
                if tick % self.history_every == 0:
                    self.broadcast("history", await history(self.queue), keep=True)
                tick += 1
            if await self._joined_within(self.interval):
                tick = 0

    async def _joined_within(self, seconds: float) -> bool:
        """Wait ``seconds``, or less if a browser connects meanwhile (True then)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._joined.wait(), seconds)
        joined = self._joined.is_set()
        self._joined.clear()
        return joined

    async def _events_loop(self) -> None:
        pubsub = self.queue.client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self.queue.keys.events)
            while self._running and not _cancelling():
                message = await pubsub.get_message(timeout=self.interval)
                event = decode(message["data"]) if message else None
                if event is not None and len(self._changed) < MAX_IDS:
                    self._changed.add(event.id)
        finally:
            await pubsub.aclose()

    async def _changes_loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval / 2)
            if self._changed:
                ids, self._changed = sorted(self._changed), set()
                self.broadcast("changes", {"ids": ids, "full": len(ids) >= MAX_IDS})


def _cancelling() -> bool:
    """True if this task was asked to stop (even if a library swallowed the CancelledError)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def stream(request: web.Request) -> web.StreamResponse:
    """``GET /api/live``: the Server-Sent Events stream of one browser."""
    live = request.app[LIVE]
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    client = live.connect()
    try:
        async for frame in _frames(client):
            await response.write(frame.encode())
    except (ConnectionResetError, RuntimeError):
        pass
    finally:
        live.disconnect(client)
    return response


async def _frames(client: asyncio.Queue[str | None]) -> AsyncIterator[str]:
    yield "retry: 2000\n\n"
    while True:
        try:
            frame = await asyncio.wait_for(client.get(), PING_S)
        except TimeoutError:
            yield ": ping\n\n"
            continue
        if frame is None:
            return
        yield frame


async def live_context(app: web.Application) -> AsyncIterator[None]:
    """aiohttp cleanup context: the loops run while the app runs."""
    app[LIVE].start()
    yield
    await app[LIVE].stop()


async def on_shutdown(app: web.Application) -> None:
    app[LIVE].close_clients()
