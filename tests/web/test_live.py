"""The live channel: one Server-Sent Events stream per browser, fed by one loop per process."""

from __future__ import annotations

import asyncio

import orjson
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from pykue import Queue
from pykue.web.state import LIVE

TIMEOUT = 10


async def next_event(response: ClientResponse, name: str) -> object:
    """Read frames until one named ``name`` arrives; return its data."""
    event = None
    while True:
        line = (await asyncio.wait_for(response.content.readline(), TIMEOUT)).decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event == name:
            return orjson.loads(line[6:])


async def test_stream_pushes_stats_history_and_changes(client: TestClient, queue: Queue) -> None:
    response = await client.get("/api/live")
    assert response.headers["Content-Type"] == "text/event-stream"
    first = await next_event(response, "stats")
    assert first["inactiveCount"] == 0  # type: ignore[index]
    history = await next_event(response, "history")
    assert len(history["minutes"]) == 60  # type: ignore[index]
    job = await queue.create("email", {})
    changes = await next_event(response, "changes")
    assert job.id in changes["ids"]  # type: ignore[index]
    stats = await next_event(response, "stats")
    assert stats["inactiveCount"] == 1  # type: ignore[index]
    await queue.set_state(job.id, "active")
    await queue.progress(job.id, 50)
    await queue.set_state(job.id, "complete")
    while (stats := await next_event(response, "stats"))["completeCount"] != 1:  # type: ignore[index]
        pass
    assert stats["inactiveCount"] == 0  # type: ignore[index]
    response.close()


async def test_many_browsers_share_one_loop(client: TestClient, queue: Queue) -> None:
    streams = [await client.get("/api/live") for _ in range(5)]
    for stream in streams:
        await next_event(stream, "stats")
    await queue.create("email", {})
    for stream in streams:
        while (await next_event(stream, "stats"))["inactiveCount"] != 1:  # type: ignore[index]
            pass
    assert client.app is not None
    assert len(client.app[LIVE].clients) == 5
    for stream in streams:
        stream.close()
