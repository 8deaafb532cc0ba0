"""Serve the web app: ``start_web`` for a process that runs other things too (``pykue serve``),
``run_web`` for ``pykue web``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web

from pykue.core.queue import Queue
from pykue.settings import Settings
from pykue.web.app import create_app

log = logging.getLogger("pykue.web")


async def start_web(queue: Queue, settings: Settings) -> web.AppRunner:
    """Start serving on ``settings.host:settings.kue_port``; ``await runner.cleanup()`` stops."""
    runner = web.AppRunner(create_app(queue, settings), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.kue_port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    log.info("dashboard on http://%s:%s/", settings.host, bound_port(runner))
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually bound (useful with ``kue_port=0``)."""
    for address in runner.addresses:
        if isinstance(address, tuple):
            return int(address[1])
    return 0


async def serve_until_stopped(settings: Settings, ready: asyncio.Event | None = None) -> None:
    """Run the dashboard alone until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with Queue(settings=settings) as queue:
        runner = await start_web(queue, settings)
        if ready is not None:
            ready.set()
        try:
            await stop.wait()
        finally:
            await runner.cleanup()


def run_web(settings: Settings) -> None:
    """Blocking entry point of ``pykue web``."""
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(serve_until_stopped(settings))
