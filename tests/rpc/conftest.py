"""A running RPC front door (fast SockJS timings) on a free loopback port, per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from pykue import Queue, Settings
from pykue.rpc import RpcOptions, SockJSOptions, create_app

# Fast heartbeats; a session left without a receiver lives 5 s, so a test slowed down by a busy
# machine between two requests does not lose it (the expiry test sets its own short delay).
FAST_SOCKJS = SockJSOptions(
    heartbeat_delay=0.4, disconnect_delay=5.0, response_limit=4096, abort_check=0.05
)
FAST = RpcOptions(sockjs=FAST_SOCKJS, allowed_types=frozenset({"email"}))


@dataclass
class RpcServer:
    """Where the test server listens, and an HTTP client for it."""

    base: str
    http: aiohttp.ClientSession
    app: web.Application

    @property
    def ws_base(self) -> str:
        return "ws" + self.base[len("http") :]


async def start_server(
    queue: Queue, settings: Settings, options: RpcOptions = FAST
) -> tuple[web.AppRunner, str, web.Application]:
    app = create_app(queue, settings, options)
    runner = web.AppRunner(app, handler_cancellation=True)  # as pykue.rpc.serve runs it
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}", app


@pytest.fixture
async def rpc(queue: Queue, settings: Settings) -> AsyncIterator[RpcServer]:
    runner, base, app = await start_server(queue, settings)
    async with aiohttp.ClientSession() as http:
        yield RpcServer(base, http, app)
    await runner.cleanup()
