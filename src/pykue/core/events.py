"""Kue's job events on the ``<prefix>:events`` channel: ``{"id", "event", "args"}`` JSON.

``args[0]`` repeats the event name. Kue writes ``id`` as a number from its worker paths and as a
string from its REST paths: ``decode`` accepts both and always gives an int.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from redis.asyncio.client import Redis
from redis.asyncio.cluster import RedisCluster

EVENTS = (
    "enqueue",
    "start",
    "promotion",
    "progress",
    "error",
    "failed attempt",
    "failed",
    "complete",
    "remove",
    "ttl exceeded",
    "ttl exceeded ack",
)


@dataclass(frozen=True, slots=True)
class Event:
    """One job event. ``args`` excludes the repeated name."""

    id: int
    event: str
    args: tuple[Any, ...] = ()

    def encode(self) -> str:
        """The message exactly as Kue publishes it (key order id, event, args)."""
        body = {"id": self.id, "event": self.event, "args": [self.event, *self.args]}
        return orjson.dumps(body).decode()


def decode(message: str | bytes) -> Event | None:
    """Parse a message from the channel; None if it is not a Kue event."""
    try:
        body = orjson.loads(message)
        job_id = int(body["id"])
        name = body["event"]
        args = body.get("args") or []
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    if not isinstance(name, str) or not isinstance(args, list):
        return None
    rest = args[1:] if args and args[0] == name else args
    return Event(job_id, name, tuple(rest))


async def publish(client: Redis, channel: str, event: Event) -> None:
    """Publish one event."""
    await client.publish(channel, event.encode())


class Subscription:
    """Events as they arrive, optionally only one job's or only some names.

    ``async with queue.subscribe() as events:`` is subscribed once the block starts, so no event
    published after that point is missed; ``async for event in events`` then yields them.
    """

    def __init__(
        self,
        client: Redis | RedisCluster,
        channel: str,
        *,
        job_id: int | None = None,
        names: Sequence[str] | None = None,
    ) -> None:
        self._pubsub = client.pubsub(ignore_subscribe_messages=True)
        self._channel = channel
        self._job_id = job_id
        self._names = frozenset(names) if names is not None else None

    async def __aenter__(self) -> Subscription:
        await self._pubsub.subscribe(self._channel)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Unsubscribe and release the connection."""
        await self._pubsub.aclose()

    def wanted(self, event: Event) -> bool:
        """True if ``event`` passes this subscription's filters."""
        if self._job_id is not None and event.id != self._job_id:
            return False
        return self._names is None or event.event in self._names

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._events()

    async def _events(self) -> AsyncIterator[Event]:
        async for message in self._pubsub.listen():
            if message.get("type") != "message":
                continue
            event = decode(message["data"])
            if event is not None and self.wanted(event):
                yield event
