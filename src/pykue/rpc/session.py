"""A dnode peer on one connection: line buffering, dispatch, callbacks and their lifetime.

Transport-neutral: it reads text chunks (``feed``) and writes lines through a ``send`` function,
so the same class serves SockJS sessions, the raw websocket and the Python client. Methods may be
plain functions or coroutine functions; coroutines run as tasks owned by the peer and are
cancelled when the connection ends. Nothing a peer sends can raise out of ``feed``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pykue.rpc import dnode

log = logging.getLogger("pykue.rpc")


@dataclass(frozen=True, slots=True)
class PeerLimits:
    """What one connection may hold; breaking a limit ends that connection."""

    protocol: dnode.Limits = field(default_factory=dnode.Limits)
    max_remote_callbacks: int = 10_000
    max_local_callbacks: int = 10_000
    max_pending_calls: int = 1_000


class RemoteFunction:
    """A callable standing for a function of the peer (a callback id of the peer's)."""

    __slots__ = ("__weakref__", "id", "peer")

    def __init__(self, peer: Peer, cb_id: int) -> None:
        self.peer = peer
        self.id = cb_id

    def __call__(self, *args: Any) -> None:
        self.peer.call(self.id, *args)

    def __repr__(self) -> str:
        return f"<remote callback {self.id}>"


class Peer:
    """One end of a dnode connection."""

    def __init__(
        self,
        exported: Mapping[str, Callable[..., Any]],
        send: Callable[[str], None],
        end: Callable[[], None],
        *,
        limits: PeerLimits | None = None,
        send_culls: bool = False,
    ) -> None:
        self.exported: dict[str, Callable[..., Any]] = dict(exported)
        self.remote: dict[str, Any] = {}
        self.limits = limits or PeerLimits()
        self.closed = False
        self.remote_ready = asyncio.Event()
        self._send = send
        self._end = end
        self._send_culls = send_culls
        self._scrubber = dnode.Scrubber()
        self._proxies: weakref.WeakValueDictionary[int, RemoteFunction] = (
            weakref.WeakValueDictionary()
        )
        self._buffer = ""
        self._tasks: set[asyncio.Future[Any]] = set()
        self._on_close: list[Callable[[], None]] = []

    # -- sending ---------------------------------------------------------------------------

    def start(self) -> None:
        """Send the ``methods`` frame (again, after ``exported`` changed)."""
        self.call("methods", dict(self.exported))

    def call(self, method: str | int, *args: Any) -> None:
        """Call the peer's method (name) or callback (id)."""
        if self.closed:
            return
        scrubbed = self._scrubber.scrub(list(args))
        if len(self._scrubber) > self.limits.max_local_callbacks:
            log.warning("rpc: too many callbacks kept for one connection; closing it")
            self.end()
            return
        self._write(dnode.request(method, scrubbed))

    def _write(self, message: dnode.WireMessage) -> None:
        try:
            line = dnode.encode(message)
        except (TypeError, ValueError) as exc:
            log.warning("rpc: cannot send a message: %s", exc)
            return
        self._send(line)

    # -- receiving ---------------------------------------------------------------------------

    def feed(self, chunk: str) -> None:
        """Take text from the transport; every complete line is handled."""
        if self.closed:
            return
        self._buffer += chunk
        while not self.closed and "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            self._line(line)
        if len(self._buffer) > self.limits.protocol.max_line_bytes:
            log.warning("rpc: line over %d bytes; closing", self.limits.protocol.max_line_bytes)
            self.end()

    def _line(self, line: str) -> None:
        try:
            message = dnode.parse_line(line, self.limits.protocol)
        except dnode.ProtocolError as exc:
            log.info("rpc: closing a connection: %s", exc)
            self.end()
            return
        if message is None:
            log.debug("rpc: ignored a message that is not a request")
            return
        args = dnode.unscrub(message, self._proxy, self.limits.protocol)
        if len(self._proxies) > self.limits.max_remote_callbacks:
            log.warning("rpc: too many live callbacks on one connection; closing it")
            self.end()
            return
        self._dispatch(message.method, args)

    def _proxy(self, cb_id: int) -> RemoteFunction:
        proxy = self._proxies.get(cb_id)
        if proxy is None:
            proxy = RemoteFunction(self, cb_id)
            self._proxies[cb_id] = proxy
            if self._send_culls:
                weakref.finalize(proxy, self._cull, cb_id)
        return proxy

    def _cull(self, cb_id: int) -> None:
        if not self.closed:
            self._write(dnode.cull([cb_id]))

    def _dispatch(self, method: str | int, args: list[Any]) -> None:
        if method == "methods":
            methods = args[0] if args and isinstance(args[0], dict) else {}
            self.remote = methods
            self.remote_ready.set()
        elif method == "cull":
            for cb_id in args:
                if isinstance(cb_id, int) and not isinstance(cb_id, bool):
                    self._scrubber.forget(cb_id)
        elif isinstance(method, str):
            self._apply(self.exported.get(method), args, method)
        else:
            self._apply(self._scrubber.local.get(method), args, method)

    def _apply(self, fn: Callable[..., Any] | None, args: list[Any], name: str | int) -> None:
        if fn is None:
            log.debug("rpc: no method or callback %r; ignored", name)
            return
        try:
            result = fn(*args)
        except Exception as exc:
            self._failed(name, exc, args)
            return
        if inspect.isawaitable(result):
            task = self.spawn(result)
            if task is not None:
                task.add_done_callback(lambda done: self._finished(done, args, name))

    def _finished(self, task: asyncio.Future[Any], args: list[Any], name: str | int) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, Exception):
            self._failed(name, exc, args)

    def _failed(self, name: str | int, exc: Exception, args: list[Any]) -> None:
        """A method raised: log it and answer the last callback argument with the error."""
        log.warning("rpc: method %r failed: %s", name, exc, exc_info=exc)
        callback = next((a for a in reversed(args) if dnode.is_function(a)), None)
        if callback is not None:
            callback({"message": str(exc)})

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Future[Any] | None:
        """Run ``coro`` as a task of this connection (cancelled when it ends); None (and the
        connection ended) when too many calls are in progress."""
        if not self.closed and len(self._tasks) >= self.limits.max_pending_calls:
            log.warning("rpc: too many calls in progress on one connection; closing it")
            self.end()
        if self.closed:
            _discard(coro)
            return None
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- lifetime ----------------------------------------------------------------------------

    def on_close(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once when the connection ends."""
        if self.closed:
            fn()
        else:
            self._on_close.append(fn)

    def end(self) -> None:
        """End the connection from this side (dnode's ``end()``)."""
        if not self.closed:
            self.closed_by_transport()
            self._end()

    def closed_by_transport(self) -> None:
        """The transport is gone: stop every task and forget every callback."""
        if self.closed:
            return
        self.closed = True
        for task in list(self._tasks):
            task.cancel()
        callbacks, self._on_close = self._on_close, []
        for fn in callbacks:
            try:
                fn()
            except Exception:
                log.exception("rpc: close handler failed")
        self._scrubber = dnode.Scrubber()
        self.remote = {}
        self._buffer = ""


def _discard(awaitable: Awaitable[Any]) -> None:
    """Drop an awaitable that will never run (no "never awaited" warning)."""
    if inspect.iscoroutine(awaitable):
        awaitable.close()
