"""The RPC front door's application: static files plus dnode over SockJS at ``/dnode``.

``create_app(queue, settings)`` builds the aiohttp application (used by ``pykue rpc`` and by the
master of ``pykue serve``); ``serve(app, settings)`` runs it on ``HOST:DNODE_PORT``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from pykue.core.queue import Queue
from pykue.rpc import sockjs
from pykue.rpc.methods import Api, ApiOptions
from pykue.rpc.session import Peer, PeerLimits
from pykue.rpc.sockjs_session import Channel, Listener, OnOpen, SockJSOptions
from pykue.rpc.sockjs_transports import SockJSEndpoint
from pykue.rpc.static import StaticFiles, default_folder
from pykue.settings import Settings

log = logging.getLogger("pykue.rpc")


@dataclass(frozen=True, slots=True)
class RpcOptions:
    """Everything tunable about the front door; defaults match the seed's servers."""

    prefix: str = "/dnode"
    sockjs: SockJSOptions = field(default_factory=SockJSOptions)
    limits: PeerLimits = field(default_factory=PeerLimits)
    allowed_types: frozenset[str] = frozenset()
    max_watches: int = 32


QUEUE = web.AppKey("pykue.rpc.queue", Queue)
SETTINGS = web.AppKey("pykue.rpc.settings", Settings)
ENDPOINT = web.AppKey("pykue.rpc.endpoint", SockJSEndpoint)


class DnodeListener:
    """Feeds one SockJS connection's messages to its dnode peer."""

    def __init__(self, peer: Peer) -> None:
        self.peer = peer

    def on_message(self, message: str) -> None:
        self.peer.feed(message)

    def on_close(self) -> None:
        self.peer.closed_by_transport()


def connection_handler(queue: Queue, api: ApiOptions, limits: PeerLimits) -> OnOpen:
    """The SockJS ``on_open`` callback: a dnode peer exporting the API on each connection."""

    def on_open(channel: Channel) -> Listener:
        peer = Peer({}, channel.send, lambda: channel.close(*sockjs.NORMAL), limits=limits)
        peer.exported = Api(queue, peer, api).exported()
        peer.start()
        return DnodeListener(peer)

    return on_open


def create_app(
    queue: Queue, settings: Settings | None = None, options: RpcOptions | None = None
) -> web.Application:
    """The aiohttp application serving ``STATIC_PATH`` and dnode over SockJS at ``/dnode``."""
    settings = settings or queue.settings
    options = options or RpcOptions()
    api = ApiOptions(
        allowed_types=options.allowed_types,
        max_watches=options.max_watches,
        auth_token=settings.auth_token,
    )
    on_open = connection_handler(queue, api, options.limits)
    endpoint = SockJSEndpoint(on_open, options.sockjs)
    app = web.Application(client_max_size=options.sockjs.max_message_bytes + 1024)
    app[QUEUE] = queue
    app[SETTINGS] = settings
    app[ENDPOINT] = endpoint
    endpoint.install(app, options.prefix)
    StaticFiles(static_folder(settings)).install(app)
    return app


def static_folder(settings: Settings) -> Path:
    """``STATIC_PATH``, or the demo page folder shipped with pykue."""
    return settings.static_path or default_folder()


async def serve(app: web.Application, settings: Settings) -> None:
    """Run ``app`` on ``HOST:DNODE_PORT`` until cancelled.

    ``handler_cancellation`` lets a SockJS receiver notice at once that its client went away
    (without it, the endpoint checks the connection every ``SockJSOptions.abort_check`` s)."""
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.dnode_port)
    await site.start()
    log.info(
        "RPC module (dnode) started. Listen port: %s. Web: http://%s:%s",
        settings.dnode_port,
        settings.host,
        settings.dnode_port,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
