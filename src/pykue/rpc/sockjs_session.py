"""SockJS sessions: the outgoing queue, one receiver at a time, heartbeats, close and expiry.

A receiving request (a poll, a stream, a websocket) *attaches* to its session and pulls frames
with ``next_frame``; the frames are the same for every transport and each transport wraps them.
A session with no receiver for ``disconnect_delay`` seconds is closed and forgotten.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pykue.rpc import sockjs

log = logging.getLogger("pykue.rpc.sockjs")


@dataclass(frozen=True, slots=True)
class SockJSOptions:
    """Timing and limits of the SockJS server (sockjs-node's defaults)."""

    heartbeat_delay: float = 25.0
    disconnect_delay: float = 5.0
    response_limit: int = 128 * 1024
    websocket: bool = True
    cookie_needed: bool = False
    sockjs_url: str = "https://cdn.jsdelivr.net/sockjs/0.3.4/sockjs.min.js"
    max_message_bytes: int = 1_048_576
    max_sessions: int = 10_000
    abort_check: float = 0.5


class Channel(Protocol):
    """What the application sees of a SockJS connection."""

    def send(self, message: str) -> None: ...

    def close(self, code: int = 3000, reason: str = "Go away!") -> None: ...


class Listener(Protocol):
    """What the application gives back for each new connection."""

    def on_message(self, message: str) -> None: ...

    def on_close(self) -> None: ...


OnOpen = Callable[[Channel], Listener]


class Session:
    """One SockJS session (also used, unregistered, for each websocket connection)."""

    def __init__(
        self,
        session_id: str,
        on_open: OnOpen,
        options: SockJSOptions,
        forget: Callable[[Session], None] | None = None,
    ) -> None:
        self.id = session_id
        self.options = options
        self.state = "new"
        self.close_text: str | None = None
        self.receiver: object | None = None
        self._outbox: list[str] = []
        self._wake = asyncio.Event()
        self._on_open = on_open
        self._listener: Listener | None = None
        self._forget = forget
        self._expiry: asyncio.TimerHandle | None = None
        self._schedule_expiry()

    # -- the application's side ------------------------------------------------------------

    def send(self, message: str) -> None:
        if self.state == "open":
            self._outbox.append(message)
            self._wake.set()

    def close(self, code: int = 3000, reason: str = "Go away!") -> None:
        if self.state == "closed":
            return
        self.state = "closed"
        self.close_text = sockjs.close_frame(code, reason)
        self._wake.set()
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.on_close()
            except Exception:
                log.exception("sockjs: close handler failed")

    # -- the transports' side ---------------------------------------------------------------

    def deliver(self, messages: list[str]) -> None:
        """Messages from the client, in order."""
        for message in messages:
            listener = self._listener
            if listener is None or self.state != "open":
                return
            try:
                listener.on_message(message)
            except Exception:
                log.exception("sockjs: message handler failed; closing the session")
                self.close(*sockjs.NORMAL)

    def attach(self, receiver: object) -> bool:
        """Become the session's receiver; False if another one is attached."""
        if self.receiver is not None:
            return False
        self.receiver = receiver
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        return True

    def detach(self, receiver: object, *, aborted: bool = False) -> None:
        """The receiver is done; an abort (the client went away early) closes the session."""
        if self.receiver is not receiver:
            return
        self.receiver = None
        if aborted:
            self.close(*sockjs.INTERRUPTED)
        self._schedule_expiry()

    async def next_frame(self, gone: Callable[[], bool] | None = None) -> str | None:
        """The next frame for the attached receiver: ``o``, ``a[...]``, ``h`` after
        ``heartbeat_delay`` of silence, or the close frame. None if ``gone()`` turned true."""
        if self.state == "new":
            self._open()
            return sockjs.OPEN
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.heartbeat_delay
        while True:
            if self._outbox:
                batch, self._outbox = self._outbox, []
                return sockjs.message_frame(batch)
            if self.close_text is not None:
                return self.close_text
            remaining = deadline - loop.time()
            if remaining <= 0:
                return sockjs.HEARTBEAT
            if gone is not None and gone():
                return None
            self._wake.clear()
            step = min(remaining, self.options.abort_check) if gone else remaining
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), step)

    def _open(self) -> None:
        self.state = "open"
        try:
            self._listener = self._on_open(self)
        except Exception:
            log.exception("sockjs: open handler failed; closing the session")
            self.close(*sockjs.NORMAL)

    def _schedule_expiry(self) -> None:
        if self._forget is None:
            return
        loop = asyncio.get_running_loop()
        self._expiry = loop.call_later(self.options.disconnect_delay, self._expire)

    def _expire(self) -> None:
        self._expiry = None
        if self.receiver is None:
            self.close(*sockjs.NORMAL)
            if self._forget is not None:
                self._forget(self)

    def shutdown(self) -> None:
        """Close now (server shutdown)."""
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        self.close(*sockjs.GO_AWAY)


class Sessions:
    """The registry of polling/streaming sessions of one endpoint, by session id."""

    def __init__(self, on_open: OnOpen, options: SockJSOptions) -> None:
        self.on_open = on_open
        self.options = options
        self._sessions: dict[str, Session] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    def get_or_create(self, session_id: str) -> Session | None:
        """The session, created if new; None when the session limit is reached."""
        session = self._sessions.get(session_id)
        if session is None:
            if len(self._sessions) >= self.options.max_sessions:
                return None
            session = Session(session_id, self.on_open, self.options, self._remove)
            self._sessions[session_id] = session
        return session

    def websocket_session(self) -> Session:
        """A session of its own for one websocket connection (never registered)."""
        return Session("", self.on_open, self.options)

    def _remove(self, session: Session) -> None:
        if self._sessions.get(session.id) is session:
            del self._sessions[session.id]

    def shutdown(self) -> None:
        for session in list(self._sessions.values()):
            session.shutdown()
        self._sessions.clear()
