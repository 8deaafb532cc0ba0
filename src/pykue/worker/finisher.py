"""``Finisher``: writes job outcomes (complete, fail, release) in batches, one pipeline each
(the completions of one job type in one ``complete.lua`` call).

Handlers that finish while a batch is in flight are written together in the next one, so the
number of round trips stays low under load and the latency stays one round trip when idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from pykue.worker.merge import merge, split
from pykue.worker.scripts import Call, ScriptRunner

log = logging.getLogger("pykue.worker")


class Finisher:
    """Queue a script call with ``await finisher.submit(call)``; it is sent with the next batch."""

    def __init__(self, runner: ScriptRunner) -> None:
        self._runner = runner
        self._pending: list[tuple[Call, asyncio.Future[Any]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="pykue-finisher")

    def submit(self, call: Call) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((call, future))
        self._wake.set()
        return future

    async def _run(self) -> None:
        while not self._closing:
            await self._wake.wait()
            self._wake.clear()
            await self.flush()

    async def flush(self) -> None:
        """Send everything queued so far."""
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            calls, where = merge([c for c, _ in batch])
            results = split(where, await self._runner.batch(calls, raise_errors=False))
        except Exception as exc:  # connection lost: leases expire, recovery re-runs the jobs
            log.error("could not write %d job outcome(s): %s", len(batch), exc)
            results = [exc] * len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)

    async def close(self) -> None:
        """Write what is left and stop."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
