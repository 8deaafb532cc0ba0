"""The RPC API exported to every dnode connection, around a ``Queue``.

* ``echo(s, cb)``: as the seed: creates an ``echo`` job with data ``{"title": "echo", "data": s}``,
  logs ``s`` and the job id, calls ``cb(s)``.
* ``create(type, data, [options], cb(err, id))``: a job of a type the app allows.
* ``watch(id, onEvent, [cb(err, job)])``: streams the job's events to ``onEvent({id, event,
  args})`` until it completes, fails or is removed (or the connection ends).
* ``stats(cb(err, stats))``: Kue's ``/stats`` counts.
* the app's own methods (``@queue.rpc``), which may also replace the ones above.

With a token configured, only ``auth(token, cb(err))`` is exported until it succeeds; then a new
``methods`` frame exports the whole API before ``cb(null)`` is called. A wrong token gets
``cb({message})`` and the connection is closed. Errors are ``{"message": text}`` objects.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from pykue.core.events import Event
from pykue.core.queue import Queue
from pykue.errors import InvalidOption, PykueError
from pykue.rpc.dnode import is_function, to_json_value
from pykue.rpc.session import Peer

log = logging.getLogger("pykue.rpc")

WATCHED = ("progress", "complete", "failed", "failed attempt", "remove")
ENDING = frozenset({"complete", "failed", "remove"})
CREATE_OPTIONS = {
    "priority": "priority",
    "attempts": "attempts",
    "delay": "delay",
    "ttl": "ttl",
    "backoff": "backoff",
    "removeOnComplete": "remove_on_complete",
    "remove_on_complete": "remove_on_complete",
}


class ErrorJSON(TypedDict):
    message: str


class EventJSON(TypedDict):
    id: int
    event: str
    args: list[Any]


class WatchJSON(TypedDict):
    id: int
    type: str
    state: str | None
    progress: int


@dataclass(frozen=True, slots=True)
class ApiOptions:
    """What the API allows: job types for ``create`` (besides the app's handler types), the
    number of concurrent watches per connection, and the token required (None: no auth)."""

    allowed_types: frozenset[str] = frozenset()
    max_watches: int = 32
    auth_token: str | None = None


def error(text: str) -> ErrorJSON:
    return {"message": text}


def _callback(args: tuple[Any, ...], index: int) -> Callable[..., Any] | None:
    value = args[index] if len(args) > index else None
    return value if is_function(value) else None


def _last_callback(args: tuple[Any, ...]) -> Callable[..., Any] | None:
    return args[-1] if args and is_function(args[-1]) else None


class Api:
    """The methods of one connection."""

    def __init__(self, queue: Queue, peer: Peer, options: ApiOptions) -> None:
        self.queue = queue
        self.peer = peer
        self.options = options
        self.watches = 0

    def exported(self) -> dict[str, Callable[..., Any]]:
        """The methods to export now (only ``auth`` while a token is awaited)."""
        if self.options.auth_token is not None:
            return {"auth": self.auth}
        return self.full()

    def full(self) -> dict[str, Callable[..., Any]]:
        methods: dict[str, Callable[..., Any]] = {
            "echo": self.echo,
            "create": self.create,
            "watch": self.watch,
            "stats": self.stats,
        }
        for name, fn in self.queue.rpc_methods.items():
            if name not in ("methods", "cull"):
                methods[name] = _app_method(fn)
        return methods

    # -- auth --------------------------------------------------------------------------------

    def auth(self, *args: Any) -> None:
        token, cb = (args[0] if args else None), _callback(args, 1)
        expected = self.options.auth_token or ""
        if isinstance(token, str) and hmac.compare_digest(token.encode(), expected.encode()):
            self.peer.exported = self.full()
            self.peer.start()
            if cb is not None:
                cb(None)
            return
        log.warning("rpc: a connection gave a wrong token; closing it")
        if cb is not None:
            cb(error("unauthorized"))
        self.peer.end()

    # -- the seed's method -------------------------------------------------------------------

    async def echo(self, *args: Any) -> None:
        data: dict[str, Any] = {"title": "echo"}
        if args:
            data["data"] = to_json_value(args[0])
        log.info("%s", data.get("data"))
        try:
            # Shielded: a job the server accepted is saved even if the caller hangs up now.
            job = await asyncio.shield(self.queue.create("echo", data))
            log.info("%s", job.id)
        except Exception as exc:  # the seed answers even when the job was not saved
            log.warning("rpc: echo could not save its job: %s", exc)
        cb = _callback(args, 1)
        if cb is not None:
            cb(args[0] if args else None)

    # -- beyond the seed ---------------------------------------------------------------------

    def allowed(self, job_type: Any) -> bool:
        return isinstance(job_type, str) and (
            job_type in self.queue.handlers or job_type in self.options.allowed_types
        )

    async def create(self, *args: Any) -> None:
        """``create(type, data, [options], cb)``; other failures reach ``cb`` through the peer."""
        cb = _last_callback(args)
        params = args[:-1] if cb is not None else args
        reply = cb or _ignore
        job_type = params[0] if params else None
        if not isinstance(job_type, str) or not self.allowed(job_type):
            reply(error(f"job type {job_type!r} is not allowed"))
            return
        data = to_json_value(params[1]) if len(params) > 1 else None
        try:
            options = _create_options(params[2] if len(params) > 2 else None)
            job = await asyncio.shield(
                self.queue.create(job_type, {} if data is None else data, **options)
            )
        except PykueError as exc:
            reply(error(str(exc)))
            return
        reply(None, job.id)

    async def watch(self, *args: Any) -> None:
        on_event, reply = _callback(args, 1), _callback(args, 2) or _ignore
        if on_event is None:
            reply(error("watch needs an event callback"))
            return
        if self.watches >= self.options.max_watches:
            reply(error(f"too many watches (limit {self.options.max_watches})"))
            return
        self.watches += 1
        try:
            await self._watch(args[0], on_event, reply)
        except Exception as exc:
            reply(error(str(exc) or type(exc).__name__))
        finally:
            self.watches -= 1

    async def _watch(
        self, job_id: Any, on_event: Callable[..., Any], reply: Callable[..., Any]
    ) -> None:
        number = int(job_id)
        async with self.queue.subscribe(job_id=number, names=WATCHED) as events:
            job = await self.queue.get(number)
            state = job.state.value if job.state is not None else None
            reply(None, _watch_json(job.id, job.type, state, job.progress))
            if state in ENDING:
                final = _final_args(job.result, job.error, state)
                on_event(_event_json(Event(job.id, state, final)))
                return
            async for event in events:
                on_event(_event_json(event))
                if event.event in ENDING:
                    return

    async def stats(self, *args: Any) -> None:
        cb = _last_callback(args)
        if cb is not None:
            cb(None, await self.queue.stats())


def _ignore(*_args: Any) -> None:
    """The callback of a caller that passed none."""


def _watch_json(job_id: int, job_type: str, state: str | None, progress: int) -> WatchJSON:
    return {"id": job_id, "type": job_type, "state": state, "progress": progress}


def _event_json(event: Event) -> EventJSON:
    return {"id": event.id, "event": event.event, "args": list(event.args)}


def _final_args(result: Any, err: str | None, state: str) -> tuple[Any, ...]:
    if state == "complete":
        return (result,)
    if state == "failed":
        return (err,)
    return ()


def _create_options(raw: Any) -> dict[str, Any]:
    """Job options from an RPC call (Kue's names or pykue's); unknown keys are refused."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidOption("options must be an object")
    options: dict[str, Any] = {}
    for key, value in raw.items():
        name = CREATE_OPTIONS.get(key)
        if name is None:
            raise InvalidOption(f"unknown option {key!r}")
        if is_function(value):
            raise InvalidOption(f"option {key!r} cannot be a function")
        options[name] = to_json_value(value)
    return options


def _app_method(fn: Callable[..., Any]) -> Callable[..., Any]:
    """An app method: called with the arguments as sent; a value it returns (or awaits) is
    passed to the last callback argument as ``cb(null, value)``."""

    async def call(*args: Any) -> None:
        result = fn(*args)
        if inspect.isawaitable(result):
            result = await result
        cb = _last_callback(args)
        if result is not None and cb is not None:
            cb(None, result)

    return call
