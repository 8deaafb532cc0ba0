"""A dnode client for Python programs, over the raw websocket ``/dnode/websocket``.

::

    async with await Client.connect("ws://127.0.0.1:3001/dnode/websocket") as rpc:
        assert await rpc.echo("hi") == "hi"
        job_id = await rpc.create("email", {"to": "a@b.c"}, priority="high")
        async for event in rpc.watch(job_id):
            print(event["event"], event["args"])

``call(name, *args)`` is the general form: it appends a callback and returns the arguments of
its first call. Node-style methods (``cb(err, result)``) have ``request``, which raises
``RpcError`` for an error.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp

from pykue.errors import RpcError
from pykue.rpc.methods import ENDING
from pykue.rpc.session import Peer, PeerLimits


class Client:
    """One dnode connection to a pykue RPC server."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        ws: aiohttp.ClientWebSocketResponse,
        *,
        exported: dict[str, Callable[..., Any]] | None = None,
        owns_http: bool = True,
    ) -> None:
        self._http = http
        self._ws = ws
        self._owns_http = owns_http
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._closed = asyncio.Event()
        self.peer = Peer(exported or {}, self._outbox.put_nowait, self._end, limits=PeerLimits())
        self._tasks = [
            asyncio.ensure_future(self._read()),
            asyncio.ensure_future(self._write()),
        ]

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        token: str | None = None,
        connect_timeout: float = 10.0,
        exported: dict[str, Callable[..., Any]] | None = None,
    ) -> Client:
        """Connect to ``ws://host:port/dnode/websocket``; with ``token``, authenticate first."""
        http = aiohttp.ClientSession()
        try:
            ws = await http.ws_connect(
                url, timeout=aiohttp.ClientWSTimeout(ws_close=connect_timeout)
            )
        except (aiohttp.ClientError, OSError) as exc:
            await http.close()
            raise RpcError(f"cannot connect to {url}: {exc}") from None
        client = cls(http, ws, exported=exported)
        try:
            client.peer.start()
            await asyncio.wait_for(client.peer.remote_ready.wait(), connect_timeout)
            if token is not None:
                await asyncio.wait_for(client.request("auth", token), connect_timeout)
        except BaseException:
            await client.close()
            raise
        return client

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def remote(self) -> dict[str, Any]:
        """The server's exported methods (callables)."""
        return self.peer.remote

    # -- calls -------------------------------------------------------------------------------

    def call_with(self, name: str, *args: Any) -> None:
        """Call a remote method without waiting (pass your own callbacks in ``args``)."""
        method = self.peer.remote.get(name)
        if not callable(method):
            raise RpcError(f"the server has no method {name!r}")
        method(*args)

    async def call(self, name: str, *args: Any) -> tuple[Any, ...]:
        """Call ``name(*args, cb)`` and return the arguments of the first call of ``cb``."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[tuple[Any, ...]] = loop.create_future()

        def callback(*values: Any) -> None:
            if not answer.done():
                answer.set_result(values)

        self.call_with(name, *args, callback)
        closed: asyncio.Future[Any] = asyncio.ensure_future(self._closed.wait())
        try:
            await asyncio.wait([answer, closed], return_when=asyncio.FIRST_COMPLETED)
        finally:
            closed.cancel()
        if not answer.done():
            answer.cancel()
            raise RpcError(f"the connection ended before {name} answered")
        return answer.result()

    async def request(self, name: str, *args: Any) -> Any:
        """Call a node-style method (``cb(err, result)``); raise ``RpcError`` for an error."""
        values = await self.call(name, *args)
        err = values[0] if values else None
        if err:
            message = err.get("message") if isinstance(err, dict) else err
            raise RpcError(str(message))
        return values[1] if len(values) > 1 else None

    async def echo(self, value: Any) -> Any:
        """The seed's ``echo``: creates an ``echo`` job and answers ``value``."""
        values = await self.call("echo", value)
        return values[0] if values else None

    async def create(self, job_type: str, data: Any = None, **options: Any) -> int:
        """Create a job (options with Kue's names: priority, attempts, delay, ttl, backoff)."""
        return int(await self.request("create", job_type, data, options))

    async def stats(self) -> dict[str, Any]:
        result = await self.request("stats")
        return dict(result or {})

    async def watch(self, job_id: int) -> AsyncIterator[dict[str, Any]]:
        """The job's events (``{"id", "event", "args"}``) until it completes, fails or goes."""
        events: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.peer.on_close(lambda: events.put_nowait(None))
        await self.request("watch", job_id, events.put_nowait)
        while True:
            event = await events.get()
            if event is None:
                raise RpcError("the connection ended while watching")
            yield event
            if event.get("event") in ENDING:
                return

    # -- transport ---------------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for message in self._ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    self.peer.feed(message.data)
                elif message.type == aiohttp.WSMsgType.ERROR:
                    break
        finally:
            self.peer.closed_by_transport()
            self._closed.set()
            self._outbox.put_nowait(None)

    async def _write(self) -> None:
        while True:
            line = await self._outbox.get()
            if line is None:
                break
            try:
                await self._ws.send_str(line)
            except (ConnectionError, RuntimeError):
                break
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self._ws.close()

    def _end(self) -> None:
        self._outbox.put_nowait(None)

    async def close(self) -> None:
        """Close the connection."""
        self.peer.end()
        self._outbox.put_nowait(None)
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self._ws.close()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._closed.set()
        if self._owns_http:
            await self._http.close()
