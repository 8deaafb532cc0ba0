"""The composition root of ``pykue serve``: the whole seed system in one master process.

::

    master process (one asyncio loop)
      ├─ dashboard + Kue JSON API            on KUE_PORT   (pykue.web)
      ├─ static files + dnode over SockJS    on DNODE_PORT (pykue.rpc)
      ├─ housekeeping: delayed promotion, lease recovery (one leader across all processes)
      └─ supervisor: N worker processes running the app's handlers, restarted when they die

Start-up problems (a port in use, a missing static folder, Redis unreachable, a bad APP) raise a
``PykueError`` whose message is one line. One SIGTERM/SIGINT drains the workers, then closes the
servers and the Redis connection (stopping the embedded Redis if this process started it); a
second signal kills the workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from pykue.cluster import ExitCode, Supervisor
from pykue.core.queue import Queue
from pykue.errors import ConfigError
from pykue.rpc.server import create_app as create_rpc_app
from pykue.rpc.server import static_folder
from pykue.settings import Settings
from pykue.web.app import create_app as create_web_app
from pykue.web.runner import bound_port
from pykue.worker.housekeeping import Housekeeper
from pykue.worker.loader import load_app

log = logging.getLogger("pykue.master")


@dataclass(frozen=True, slots=True)
class Listening:
    """Where the master's two servers listen (ports as bound, so 0 becomes the real port)."""

    host: str
    kue_port: int
    dnode_port: int

    def banner(self) -> str:
        """The start-up lines, as the seed prints them."""
        return (
            f"Priority job queue (cluster) successful started. Listen port: {self.kue_port}.\n"
            f"Dashboard: http://{self.host}:{self.kue_port}/\n"
            f"RPC module (dnode) successful started. Listen port: {self.dnode_port}.\n"
            f"Web: http://{self.host}:{self.dnode_port}"
        )


async def start_site(app: web.Application, host: str, port: int, variable: str) -> web.AppRunner:
    """Serve ``app`` on ``host:port``; a port in use is a ``ConfigError`` naming ``variable``."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0, handler_cancellation=True)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"{variable} {port} is already in use on {host}") from None
        raise ConfigError(f"cannot listen on {host}:{port} ({variable}): {exc.strerror}") from None
    return runner


def check_static(settings: Settings) -> None:
    """A configured STATIC_PATH must be a folder."""
    folder = static_folder(settings)
    if not folder.is_dir():
        raise ConfigError(f"STATIC_PATH {str(folder)!r} is not a folder")


class Master:
    """Runs everything ``pykue serve`` runs; ``await Master(settings, app).run()`` -> ExitCode."""

    def __init__(
        self,
        settings: Settings,
        app_ref: str | None = None,
        *,
        on_listening: Callable[[Listening], None] | None = None,
    ) -> None:
        self.settings = settings
        self.app_ref = app_ref
        self.on_listening = on_listening or (lambda where: print(where.banner(), flush=True))
        self.stop = asyncio.Event()
        self._runners: list[web.AppRunner] = []

    async def run(self) -> ExitCode:
        """Start every part, wait for a signal, then stop them in order."""
        queue = load_app(self.app_ref)
        check_static(self.settings)
        queue.configure(self.settings)
        try:
            await queue.connect()
            # Worker processes must use the same Redis (the embedded one, if started here).
            self.settings = self.settings.replace(redis_url=queue.url)
            queue.configure(self.settings)
            return await self._serve(queue)
        finally:
            for runner in reversed(self._runners):
                await runner.cleanup()
            await queue.close()

    async def _serve(self, queue: Queue) -> ExitCode:
        settings = self.settings
        web_runner = await start_site(
            create_web_app(queue, settings), settings.host, settings.kue_port, "KUE_PORT"
        )
        self._runners.append(web_runner)
        rpc_runner = await start_site(
            create_rpc_app(queue, settings), settings.host, settings.dnode_port, "DNODE_PORT"
        )
        self._runners.append(rpc_runner)
        self.on_listening(Listening(settings.host, bound_port(web_runner), bound_port(rpc_runner)))
        housekeeper = Housekeeper(queue.client, queue.keys, settings)
        housekeeper.start()
        self._install_signals()
        try:
            return await Supervisor(settings, self.app_ref).run_async(self.stop)
        finally:
            await housekeeper.stop()

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, self._on_signal, sig)

    def _on_signal(self, sig: signal.Signals) -> None:
        log.info("received %s: stopping", sig.name)
        self.stop.set()


def run_master(settings: Settings, app_ref: str | None = None) -> ExitCode:
    """Blocking entry point of ``pykue serve``."""
    return asyncio.run(Master(settings, app_ref).run())
