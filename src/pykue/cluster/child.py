"""The body of one worker process: load the app, run a ``Worker`` until SIGTERM/SIGINT, drain.

Started by the supervisor with the ``spawn`` method; it tells the supervisor it is ready (or
why it cannot start) over a pipe.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Coroutine
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from pykue.cluster import logs
from pykue.cluster.exitcodes import ExitCode
from pykue.errors import AppError, ConfigError, PykueError, RedisUnavailable
from pykue.settings import Settings
from pykue.worker.loader import load_app
from pykue.worker.runtime import Worker

log = logging.getLogger("pykue.cluster")


@dataclass(frozen=True, slots=True)
class ChildSpec:
    """What a worker process needs (picklable)."""

    index: int
    app_ref: str
    settings: Settings


def _exit_code(exc: PykueError) -> ExitCode:
    if isinstance(exc, AppError):
        return ExitCode.APP_ERROR
    if isinstance(exc, RedisUnavailable):
        return ExitCode.REDIS_UNAVAILABLE
    if isinstance(exc, ConfigError):
        return ExitCode.CONFIG_ERROR
    return ExitCode.ERROR


def main(spec: ChildSpec, conn: Connection) -> None:
    """Entry point of a worker process; exits with an ``ExitCode``."""
    logs.setup(spec.settings.log_level, f"worker-{spec.index}:{os.getpid()}")
    try:
        code = _run(_serve(spec, conn))
    except PykueError as exc:
        log.error("%s", exc)
        conn.send(("error", str(exc)))
        code = _exit_code(exc)
    conn.close()
    sys.exit(int(code))


def _run(main: Coroutine[Any, Any, ExitCode]) -> ExitCode:
    """Run on uvloop when it is installed."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency off Windows
        return asyncio.run(main)
    return uvloop.run(main)


async def _serve(spec: ChildSpec, conn: Connection) -> ExitCode:
    queue = load_app(spec.app_ref)
    queue.configure(spec.settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    worker = Worker(queue)
    await worker.start()
    try:
        conn.send(("ready", os.getpid()))
        await stop.wait()
        log.info("draining")
    finally:
        await worker.stop()
        await queue.close()
    return ExitCode.OK
