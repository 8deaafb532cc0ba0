"""``Supervisor``: runs N worker processes, restarts the ones that die, drains them on a signal.

::

    code = Supervisor(settings, "myapp.jobs:queue", processes=4).run()   # blocks; an ExitCode

Worker processes are started with ``spawn``; each reports ready over a pipe. A process that
dies is restarted after a backoff (0.2 s doubling to 10 s while it keeps dying early). SIGTERM
or SIGINT: every worker drains (``drain_timeout_s``), then ``run`` returns ``ExitCode.OK``; a
second signal, or a drain that overruns, kills them (``INTERRUPTED`` / ``DRAIN_TIMEOUT``).
A worker that cannot load the app stops the whole supervisor with ``APP_ERROR``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

from pykue.cluster import child
from pykue.cluster.exitcodes import ExitCode
from pykue.core.embedded import EmbeddedRedis
from pykue.settings import Settings
from pykue.worker.loader import DEFAULT_APP

log = logging.getLogger("pykue.cluster")
FIRST_BACKOFF_S = 0.2
MAX_BACKOFF_S = 10.0
STABLE_S = 1.0
KILL_GRACE_S = 5.0


@dataclass(eq=False)
class Slot:
    """One worker position: the process now filling it and its restart history."""

    index: int
    process: BaseProcess | None = None
    conn: Connection | None = None
    started: float = 0.0
    ready: bool = False
    failures: int = 0
    restart_at: float | None = None
    pids: list[int] = field(default_factory=list)


class Supervisor:
    """Runs ``processes`` worker processes of the app ``app_ref`` (``module:attribute``)."""

    def __init__(
        self,
        settings: Settings,
        app_ref: str | None = None,
        *,
        processes: int | None = None,
        on_ready: Callable[[int, int], None] | None = None,
    ) -> None:
        self.settings = settings
        self.app_ref = app_ref or DEFAULT_APP
        self.slots = [Slot(i + 1) for i in range(processes or settings.workers)]
        self.on_ready = on_ready
        self._ctx = multiprocessing.get_context("spawn")
        self._stop_requests = 0
        self._drain_deadline: float | None = None
        self.exit_code: ExitCode | None = None
        self.restarts = 0

    # -- processes ---------------------------------------------------------------------------

    def _spawn(self, slot: Slot) -> None:
        ours, theirs = self._ctx.Pipe(duplex=False)
        spec = child.ChildSpec(slot.index, self.app_ref, self.settings)
        process = self._ctx.Process(
            target=child.main, args=(spec, theirs), name=f"pykue-worker-{slot.index}"
        )
        process.start()
        theirs.close()
        slot.process, slot.conn, slot.ready = process, ours, False
        slot.started, slot.restart_at = time.monotonic(), None
        slot.pids.append(process.pid or 0)
        log.info("worker %d started (pid %s)", slot.index, process.pid)

    def start(self) -> None:
        """Start every worker process."""
        for slot in self.slots:
            self._spawn(slot)

    def pids(self) -> list[int]:
        """Pids of the live worker processes."""
        return [s.process.pid for s in self.slots if s.process is not None and s.process.pid]

    @property
    def finished(self) -> bool:
        return self.exit_code is not None

    # -- one step of the loop ----------------------------------------------------------------

    def poll(self, timeout: float = 0.2) -> None:
        """Handle messages, deaths, restarts and drain deadlines; waits at most ``timeout``."""
        waitables: list[Any] = []
        for slot in self.slots:
            if slot.conn is not None:
                waitables.append(slot.conn)
            if slot.process is not None:
                waitables.append(slot.process.sentinel)
        if waitables:
            wait(waitables, timeout)
        else:
            time.sleep(timeout)
        for slot in self.slots:
            self._read(slot)
            self._reap(slot)
        self._restart_due()
        self._check_drain()

    def _read(self, slot: Slot) -> None:
        conn = slot.conn
        while conn is not None and conn.poll():
            try:
                kind, value = conn.recv()
            except (EOFError, OSError):
                conn.close()
                slot.conn = conn = None
                return
            if kind == "ready":
                slot.ready = True
                log.info("worker %d ready (pid %s)", slot.index, value)
                if self.on_ready is not None:
                    self.on_ready(slot.index, int(value))
            elif kind == "error":
                log.error("worker %d cannot start: %s", slot.index, value)

    def _reap(self, slot: Slot) -> None:
        process = slot.process
        if process is None or process.is_alive():
            return
        process.join()
        code = process.exitcode
        slot.process = None
        if slot.conn is not None:
            slot.conn.close()
            slot.conn = None
        if self._stop_requests:
            log.info("worker %d exited (code %s)", slot.index, code)
            return
        if code == ExitCode.APP_ERROR:
            log.error("worker %d cannot load the app; stopping", slot.index)
            self.request_stop(ExitCode.APP_ERROR)
            return
        self._schedule_restart(slot, code)

    def _schedule_restart(self, slot: Slot, code: int | None) -> None:
        lived = time.monotonic() - slot.started
        slot.failures = 0 if slot.ready and lived >= STABLE_S else slot.failures + 1
        delay = min(FIRST_BACKOFF_S * 2**slot.failures, MAX_BACKOFF_S)
        slot.restart_at = time.monotonic() + delay
        log.warning(
            "worker %d died (exit code %s) after %.1fs; restarting in %.1fs",
            slot.index,
            code,
            lived,
            delay,
        )

    def _restart_due(self) -> None:
        now = time.monotonic()
        for slot in self.slots:
            if slot.restart_at is not None and slot.restart_at <= now and not self._stop_requests:
                self.restarts += 1
                self._spawn(slot)

    # -- stopping ----------------------------------------------------------------------------

    def request_stop(self, reason: ExitCode = ExitCode.OK) -> None:
        """First call: drain every worker. Second call: kill them."""
        self._stop_requests += 1
        if self._stop_requests == 1:
            self._planned = reason
            log.info("stopping: draining %d worker(s)", len(self.pids()))
            self._drain_deadline = time.monotonic() + self.settings.drain_timeout_s + KILL_GRACE_S
            for slot in self.slots:
                slot.restart_at = None
                self._signal(slot, signal.SIGTERM)
        else:
            log.warning("second stop request: killing workers")
            self._kill_all(ExitCode.INTERRUPTED)

    def _signal(self, slot: Slot, signum: int) -> None:
        if slot.process is not None and slot.process.pid and slot.process.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(slot.process.pid, signum)

    def _kill_all(self, code: ExitCode) -> None:
        for slot in self.slots:
            self._signal(slot, signal.SIGKILL)
        for slot in self.slots:
            if slot.process is not None:
                slot.process.join(5)
                slot.process = None
        self.exit_code = code

    def _check_drain(self) -> None:
        if not self._stop_requests or self.finished:
            return
        if all(slot.process is None for slot in self.slots):
            self.exit_code = self._planned
        elif self._drain_deadline is not None and time.monotonic() > self._drain_deadline:
            log.error("drain timeout: killing workers")
            self._kill_all(ExitCode.DRAIN_TIMEOUT)

    _planned: ExitCode = ExitCode.OK

    # -- running -----------------------------------------------------------------------------

    def run(self) -> ExitCode:
        """Start the workers and supervise them until stopped by SIGTERM/SIGINT."""

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            log.info("received %s", signal.Signals(signum).name)
            self.request_stop()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        embedded = None
        if self.settings.redis_url is None:
            embedded = EmbeddedRedis(self.settings.data_dir)
            self.settings = self.settings.replace(redis_url=embedded.start())
        try:
            self.start()
            while not self.finished:
                self.poll()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            if not self.finished:
                self._kill_all(ExitCode.ERROR)
            if embedded is not None:
                embedded.stop()
        assert self.exit_code is not None
        return self.exit_code

    async def run_async(self, stop: asyncio.Event) -> ExitCode:
        """``run`` for an asyncio program that handles signals itself: drains once ``stop`` is
        set (set it again after ``stop.clear()`` to kill)."""
        self.start()
        while not self.finished:
            await asyncio.to_thread(self.poll, 0.2)
            if stop.is_set():
                stop.clear()
                self.request_stop()
        assert self.exit_code is not None
        return self.exit_code
