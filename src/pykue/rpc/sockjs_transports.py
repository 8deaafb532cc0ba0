"""The SockJS 0.3 endpoint on aiohttp: URL dispatch and every transport.

``SockJSEndpoint(on_open, options).install(app, "/dnode")`` owns everything under the prefix:
the greeting, ``/info``, the iframe page, the raw ``/websocket`` and the session transports
``/<server>/<session>/<transport>`` (websocket, xhr + xhr_send, xhr_streaming, eventsource,
htmlfile, jsonp + jsonp_send).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from time import time
from urllib.parse import parse_qs

from aiohttp import web

from pykue.rpc import sockjs
from pykue.rpc.sockjs_session import OnOpen, Session, Sessions, SockJSOptions
from pykue.rpc.sockjs_websocket import WebSockets

log = logging.getLogger("pykue.rpc.sockjs")
Handler = Callable[[web.Request, str], Awaitable[web.StreamResponse]]
JS = "application/javascript; charset=UTF-8"
TEXT = "text/plain; charset=UTF-8"


def _gone(request: web.Request) -> Callable[[], bool]:
    def gone() -> bool:
        transport = request.transport
        return transport is None or transport.is_closing()

    return gone


def _cors(request: web.Request) -> dict[str, str]:
    return sockjs.cors_headers(
        request.headers.get("Origin"), request.headers.get("Access-Control-Request-Headers")
    )


def _expires() -> str:
    return formatdate(time() + sockjs.YEAR, usegmt=True)


class SockJSEndpoint:
    """One SockJS server mounted under a prefix of an aiohttp application."""

    def __init__(self, on_open: OnOpen, options: SockJSOptions | None = None) -> None:
        self.options = options or SockJSOptions()
        self.sessions = Sessions(on_open, self.options)
        self.websockets = WebSockets(self.sessions, self.options)
        self._transports: dict[str, tuple[tuple[str, ...], Handler]] = {
            "websocket": (("GET",), self._websocket),
            "xhr": (("POST", "OPTIONS"), self._xhr),
            "xhr_send": (("POST", "OPTIONS"), self._xhr_send),
            "xhr_streaming": (("POST", "OPTIONS"), self._xhr_streaming),
            "eventsource": (("GET",), self._eventsource),
            "htmlfile": (("GET",), self._htmlfile),
            "jsonp": (("GET",), self._jsonp),
            "jsonp_send": (("POST",), self._jsonp_send),
        }

    def install(self, app: web.Application, prefix: str) -> None:
        """Route ``prefix`` and everything under it here; close sessions on shutdown."""
        prefix = prefix.rstrip("/")
        app.router.add_route("*", prefix, self.dispatch)
        app.router.add_route("*", prefix + "/{tail:.*}", self.dispatch)
        app.on_shutdown.append(self._shutdown)

    async def _shutdown(self, _app: web.Application) -> None:
        self.sessions.shutdown()
        await self.websockets.shutdown()

    # -- dispatch ----------------------------------------------------------------------------

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        tail = request.match_info.get("tail", "")
        if tail == "":
            return self._only_get(request) or web.Response(
                text=sockjs.WELCOME, content_type=None, headers={"Content-Type": TEXT}
            )
        if tail == "info":
            return self._info(request)
        if sockjs.is_iframe_name(tail):
            return self._only_get(request) or self._iframe(request)
        if tail == "websocket":
            return await self.websockets.handle(request, raw=True)
        parts = tail.split("/")
        if len(parts) == 3 and all(sockjs.valid_segment(p) for p in parts[:2]):
            route = self._transports.get(parts[2])
            if route is not None:
                methods, handler = route
                if request.method not in methods:
                    return web.Response(status=405, headers={"Allow": ", ".join(methods)})
                return await handler(request, parts[1])
        return web.Response(status=404, text="Not found")

    @staticmethod
    def _only_get(request: web.Request) -> web.Response | None:
        if request.method in ("GET", "HEAD"):
            return None
        return web.Response(status=405, headers={"Allow": "GET"})

    def _headers(self, request: web.Request, *, cors: bool, cookie: bool = True) -> dict[str, str]:
        headers = {"Cache-Control": sockjs.NO_CACHE}
        if cors:
            headers.update(_cors(request))
        if cookie:
            headers.update(self._cookie(request))
        return headers

    def _cookie(self, request: web.Request) -> dict[str, str]:
        """``JSESSIONID`` for session URLs, when ``cookie_needed`` is on."""
        if not self.options.cookie_needed:
            return {}
        return {"Set-Cookie": f"JSESSIONID={request.cookies.get('JSESSIONID', 'dummy')}; path=/"}

    def _preflight(self, request: web.Request, methods: str) -> web.Response:
        headers = _cors(request)
        headers.update(
            sockjs.preflight_headers(methods, request.headers.get("Access-Control-Request-Headers"))
        )
        headers["Expires"] = _expires()
        if methods == "OPTIONS, POST":  # a session URL, not /info
            headers.update(self._cookie(request))
        return web.Response(status=204, headers=headers)

    # -- fixed pages -------------------------------------------------------------------------

    def _info(self, request: web.Request) -> web.Response:
        if request.method == "OPTIONS":
            return self._preflight(request, "OPTIONS, GET")
        if request.method != "GET":
            return web.Response(status=405, headers={"Allow": "OPTIONS, GET"})
        body = sockjs.info(self.options.websocket, self.options.cookie_needed)
        headers = self._headers(request, cors=True, cookie=False)
        headers["Content-Type"] = "application/json; charset=UTF-8"
        return web.Response(
            text=json.dumps(body, separators=(",", ":")), headers=headers, content_type=None
        )

    def _iframe(self, request: web.Request) -> web.Response:
        page, etag = sockjs.iframe_page(self.options.sockjs_url)
        headers = {
            "Cache-Control": f"public, max-age={sockjs.YEAR}",
            "Expires": _expires(),
            "ETag": etag,
        }
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = "text/html; charset=UTF-8"
        return web.Response(text=page, headers=headers, content_type=None)

    # -- polling -----------------------------------------------------------------------------

    def _session(self, session_id: str) -> Session | None:
        return self.sessions.get_or_create(session_id)

    async def _poll(self, request: web.Request, session: Session) -> str | None:
        """One frame for a polling request (None if the client went away)."""
        token = object()
        if not session.attach(token):
            return sockjs.close_frame(*sockjs.ANOTHER_CONNECTION)
        frame: str | None = None
        try:
            frame = await session.next_frame(_gone(request))
        finally:
            session.detach(token, aborted=frame is None)
        return frame

    async def _xhr(self, request: web.Request, session_id: str) -> web.StreamResponse:
        if request.method == "OPTIONS":
            return self._preflight(request, "OPTIONS, POST")
        session = self._session(session_id)
        if session is None:
            return web.Response(status=503, text="Too many sessions")
        frame = await self._poll(request, session)
        headers = self._headers(request, cors=True)
        headers["Content-Type"] = JS
        return web.Response(text=sockjs.wrap_xhr(frame or ""), headers=headers, content_type=None)

    async def _jsonp(self, request: web.Request, session_id: str) -> web.StreamResponse:
        try:
            callback = sockjs.check_callback(request.query.get("c"))
        except sockjs.PayloadError as exc:
            return web.Response(status=500, text=str(exc))
        session = self._session(session_id)
        if session is None:
            return web.Response(status=503, text="Too many sessions")
        frame = await self._poll(request, session)
        headers = self._headers(request, cors=False)
        headers["Content-Type"] = JS
        body = sockjs.wrap_jsonp(callback, frame or "")
        return web.Response(text=body, headers=headers, content_type=None)

    # -- streaming ---------------------------------------------------------------------------

    async def _stream(
        self,
        request: web.Request,
        session_id: str,
        prelude: str,
        wrap: Callable[[str], str],
        content_type: str,
        *,
        cors: bool,
    ) -> web.StreamResponse:
        session = self._session(session_id)
        if session is None:
            return web.Response(status=503, text="Too many sessions")
        headers = self._headers(request, cors=cors)
        headers["Content-Type"] = content_type
        response = web.StreamResponse(headers=headers)
        if request.version < (1, 1):  # no chunked encoding: the end of the body is the close
            response.force_close()
        await response.prepare(request)
        await response.write(prelude.encode())
        token = object()
        if not session.attach(token):
            await response.write(wrap(sockjs.close_frame(*sockjs.ANOTHER_CONNECTION)).encode())
            return response
        aborted = True
        try:
            aborted = await self._pump(request, session, response, wrap)
        finally:
            session.detach(token, aborted=aborted)
        return response

    async def _pump(
        self,
        request: web.Request,
        session: Session,
        response: web.StreamResponse,
        wrap: Callable[[str], str],
    ) -> bool:
        """Write frames until the response limit or a close; True if the client went away."""
        sent = 0
        while True:
            frame = await session.next_frame(_gone(request))
            if frame is None:
                return True
            data = wrap(frame).encode()
            try:
                await response.write(data)
            except ConnectionError:
                return True
            sent += len(data)
            if frame.startswith("c") or sent >= self.options.response_limit:
                return False

    async def _xhr_streaming(self, request: web.Request, session_id: str) -> web.StreamResponse:
        if request.method == "OPTIONS":
            return self._preflight(request, "OPTIONS, POST")
        prelude = sockjs.XHR_STREAMING_PRELUDE
        return await self._stream(request, session_id, prelude, sockjs.wrap_xhr, JS, cors=True)

    async def _eventsource(self, request: web.Request, session_id: str) -> web.StreamResponse:
        return await self._stream(
            request,
            session_id,
            sockjs.EVENTSOURCE_PRELUDE,
            sockjs.wrap_eventsource,
            "text/event-stream; charset=UTF-8",
            cors=False,
        )

    async def _htmlfile(self, request: web.Request, session_id: str) -> web.StreamResponse:
        try:
            callback = sockjs.check_callback(request.query.get("c"))
        except sockjs.PayloadError as exc:
            return web.Response(status=500, text=str(exc))
        prelude = sockjs.htmlfile_prelude(callback)
        html = "text/html; charset=UTF-8"
        return await self._stream(
            request, session_id, prelude, sockjs.wrap_htmlfile, html, cors=False
        )

    # -- sending -----------------------------------------------------------------------------

    async def _payload(self, request: web.Request) -> str:
        if request.content_length is not None and (
            request.content_length > self.options.max_message_bytes
        ):
            raise web.HTTPRequestEntityTooLarge(
                max_size=self.options.max_message_bytes, actual_size=request.content_length
            )
        raw = await request.content.read(self.options.max_message_bytes + 1)
        if len(raw) > self.options.max_message_bytes:
            raise web.HTTPRequestEntityTooLarge(
                max_size=self.options.max_message_bytes, actual_size=len(raw)
            )
        body = raw.decode("utf-8", errors="replace")
        if request.content_type == "application/x-www-form-urlencoded":
            return parse_qs(body).get("d", [""])[0]
        return body

    async def _receive(self, request: web.Request, session_id: str) -> web.Response | None:
        """Deliver a send request's messages; an error response, or None when delivered."""
        session = self.sessions.get(session_id)
        if session is None:
            return web.Response(
                status=404, text="Not found", headers=self._headers(request, cors=True)
            )
        try:
            messages = sockjs.parse_payload(await self._payload(request))
        except sockjs.PayloadError as exc:
            return web.Response(
                status=500, text=str(exc), headers=self._headers(request, cors=True)
            )
        session.deliver(messages)
        return None

    async def _xhr_send(self, request: web.Request, session_id: str) -> web.StreamResponse:
        if request.method == "OPTIONS":
            return self._preflight(request, "OPTIONS, POST")
        error = await self._receive(request, session_id)
        if error is not None:
            return error
        headers = self._headers(request, cors=True)
        headers["Content-Type"] = TEXT
        return web.Response(status=204, headers=headers)

    async def _jsonp_send(self, request: web.Request, session_id: str) -> web.StreamResponse:
        error = await self._receive(request, session_id)
        if error is not None:
            return error
        headers = self._headers(request, cors=False)
        headers["Content-Type"] = TEXT
        return web.Response(text="ok", headers=headers, content_type=None)

    async def _websocket(self, request: web.Request, _session_id: str) -> web.StreamResponse:
        return await self.websockets.handle(request, raw=False)
