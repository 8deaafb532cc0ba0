"""SockJS over websockets: the framed ``/<server>/<session>/websocket`` and the raw
``/websocket`` (one websocket message per SockJS message, no ``o``/``h``/``c`` frames).

Each websocket connection is a session of its own: one task writes the session's frames while
the request handler reads the client's messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from aiohttp import WSMsgType, web

from pykue.rpc import sockjs
from pykue.rpc.sockjs_session import Session, Sessions, SockJSOptions

log = logging.getLogger("pykue.rpc.sockjs")


class WebSockets:
    """The websocket transports of one SockJS endpoint."""

    def __init__(self, sessions: Sessions, options: SockJSOptions) -> None:
        self.sessions = sessions
        self.options = options
        self._sockets: set[web.WebSocketResponse] = set()

    async def shutdown(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"Server shutting down")

    async def handle(self, request: web.Request, *, raw: bool) -> web.StreamResponse:
        refused = self.refuse(request)
        if refused is not None:
            return refused
        ws = web.WebSocketResponse(max_msg_size=self.options.max_message_bytes)
        await ws.prepare(request)
        session = self.sessions.websocket_session()
        session.attach(ws)
        self._sockets.add(ws)
        writer = asyncio.ensure_future(_write_frames(session, ws, raw=raw))
        try:
            await _read_messages(session, ws, raw=raw)
        finally:
            self._sockets.discard(ws)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await writer
            session.detach(ws, aborted=True)
            await ws.close()
        return ws

    def refuse(self, request: web.Request) -> web.Response | None:
        """The answer to a request that cannot become a websocket, or None."""
        if not self.options.websocket:
            return web.Response(status=404, text="Not found")
        if request.method != "GET":
            return web.Response(status=405, headers={"Allow": "GET"})
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return web.Response(status=400, text='Can "Upgrade" only to "WebSocket".')
        if "upgrade" not in request.headers.get("Connection", "").lower():
            return web.Response(status=400, text='"Connection" must be "Upgrade".')
        return None


async def _read_messages(session: Session, ws: web.WebSocketResponse, *, raw: bool) -> None:
    async for message in ws:
        if message.type == WSMsgType.BINARY and raw:
            data = message.data.decode("utf-8", errors="replace")
        elif message.type == WSMsgType.TEXT:
            data = message.data
        else:
            continue
        if raw:
            session.deliver([data])
            continue
        if not data:
            continue
        try:
            session.deliver(sockjs.parse_payload(data, single_string=True))
        except sockjs.PayloadError:
            log.info("sockjs: broken JSON on a websocket; dropping it")
            return


async def _write_frames(session: Session, ws: web.WebSocketResponse, *, raw: bool) -> None:
    while not ws.closed:
        frame = await session.next_frame()
        if frame is None:
            return
        if frame.startswith("c"):
            if not raw:
                await ws.send_str(frame)
            await ws.close(code=1000)
            return
        if not raw:
            await ws.send_str(frame)
        elif frame.startswith("a"):
            for message in json.loads(frame[1:]):
                await ws.send_str(message)
