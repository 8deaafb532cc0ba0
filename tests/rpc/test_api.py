"""The RPC API through the Python client: echo, create, watch, stats, app methods, auth."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from pykue import Queue, Settings
from pykue.core.events import Event, publish
from pykue.errors import RpcError
from pykue.rpc.client import Client
from tests.rpc.conftest import RpcServer, start_server


@pytest.fixture
async def client(rpc: RpcServer) -> AsyncIterator[Client]:
    async with await Client.connect(rpc.ws_base + "/dnode/websocket") as c:
        yield c


async def test_echo_creates_the_seeds_job(client: Client, queue: Queue, sync_redis: Any) -> None:
    assert await client.echo("hello") == "hello"
    assert await client.echo({"a": [1, {"b": None}]}) == {"a": [1, {"b": None}]}
    job = await queue.get(1)
    assert job.type == "echo"
    assert sync_redis.hget("q:job:1", "data") == '{"title":"echo","data":"hello"}'
    assert (await queue.get(2)).data == {"title": "echo", "data": {"a": [1, {"b": None}]}}
    assert await queue.count("inactive", "echo") == 2


async def test_echo_stores_functions_as_null_and_calls_back_with_proxies(
    client: Client, queue: Queue
) -> None:
    seen: list[Any] = []
    values = await client.call("echo", {"tag": "T", "fn": seen.append})
    assert values[0]["tag"] == "T"
    values[0]["fn"]("relayed")  # a server proxy of our own function
    for _ in range(50):
        if seen:
            break
        await asyncio.sleep(0.02)
    assert seen == ["relayed"]
    assert (await queue.get(1)).data == {"title": "echo", "data": {"tag": "T", "fn": None}}


async def test_concurrent_calls(client: Client) -> None:
    answers = await asyncio.gather(*(client.echo(f"m{i}") for i in range(50)))
    assert answers == [f"m{i}" for i in range(50)]


async def test_create_allowed_types_and_options(client: Client, queue: Queue) -> None:
    job_id = await client.create("email", {"to": "x"}, priority="high", attempts=3, delay=60_000)
    job = await queue.get(job_id)
    assert (job.type, job.data, job.priority, job.max_attempts) == ("email", {"to": "x"}, -10, 3)
    assert job.state is not None
    assert job.state.value == "delayed"
    with pytest.raises(RpcError, match="not allowed"):
        await client.create("nope", {})
    with pytest.raises(RpcError, match="unknown option"):
        await client.create("email", {}, colour="red")
    with pytest.raises(RpcError, match="priority"):
        await client.create("email", {}, priority="urgent-ish")
    assert await queue.count() == 1


async def test_create_types_from_the_apps_handlers(queue: Queue, settings: Settings) -> None:
    @queue.process("resize")
    async def resize(job: Any) -> None: ...

    runner, base, _ = await start_server(queue, settings)
    try:
        async with await Client.connect(base.replace("http", "ws") + "/dnode/websocket") as c:
            job_id = await c.create("resize", {"w": 10})
            with pytest.raises(RpcError):
                await c.create("echo", {})
    finally:
        await runner.cleanup()
    assert (await queue.get(job_id)).type == "resize"


async def test_watch_streams_progress_until_complete(client: Client, queue: Queue) -> None:
    job_id = await client.create("email", {"to": "x"})
    events: list[dict[str, Any]] = []

    async def watch() -> None:
        async for event in client.watch(job_id):
            events.append(event)

    watcher = asyncio.ensure_future(watch())
    for _ in range(100):  # wait until the server is subscribed (its ack is in the client)
        await asyncio.sleep(0.02)
        if await queue.client.pubsub_numsub(queue.keys.events) != [(queue.keys.events, 0)]:
            break
    await queue.progress(job_id, 1, 4)
    await queue.progress(job_id, 50, 100, {"step": "half"})
    await publish(queue.client, queue.keys.events, Event(job_id + 1, "progress", (10, None)))
    await publish(queue.client, queue.keys.events, Event(job_id, "complete", ({"ok": 1},)))
    await asyncio.wait_for(watcher, 5)
    assert events == [
        {"id": job_id, "event": "progress", "args": [25, None]},
        {"id": job_id, "event": "progress", "args": [50, {"step": "half"}]},
        {"id": job_id, "event": "complete", "args": [{"ok": 1}]},
    ]


async def test_watch_of_a_finished_or_missing_job(client: Client, queue: Queue) -> None:
    job_id = await client.create("email", {})
    await queue.set_state(job_id, "complete")
    assert [e["event"] async for e in client.watch(job_id)] == ["complete"]
    with pytest.raises(RpcError, match="doesnt exist"):
        async for _ in client.watch(999):
            pass
    with pytest.raises(RpcError, match="invalid"):
        async for _ in client.watch("abc"):  # type: ignore[arg-type]
            pass
    with pytest.raises(RpcError, match="event callback"):
        await client.request("watch", job_id, "not a function")


async def test_stats(client: Client) -> None:
    await client.echo("x")
    stats = await client.stats()
    assert stats["inactiveCount"] == 1
    assert set(stats) == {
        "inactiveCount",
        "activeCount",
        "completeCount",
        "failedCount",
        "delayedCount",
        "workTime",
    }


async def test_app_methods(queue: Queue, settings: Settings) -> None:
    @queue.rpc
    async def add(a: int, b: int, cb: Any) -> int:
        return a + b

    @queue.rpc(name="shout")
    def loud(text: str, cb: Any) -> None:
        cb(text.upper())

    @queue.rpc
    def boom(cb: Any) -> None:
        raise ValueError("kaboom")

    runner, base, _ = await start_server(queue, settings)
    try:
        async with await Client.connect(base.replace("http", "ws") + "/dnode/websocket") as c:
            assert {"echo", "create", "watch", "stats", "add", "shout", "boom"} <= set(c.remote)
            assert await c.request("add", 2, 3) == 5
            assert await c.call("shout", "hi") == ("HI",)
            with pytest.raises(RpcError, match="kaboom"):
                await c.request("boom")
            with pytest.raises(RpcError, match="no method"):
                await c.call("missing")
            assert await c.echo("still alive") == "still alive"
    finally:
        await runner.cleanup()


async def test_auth_token(queue: Queue, settings: Settings) -> None:
    secured = settings.replace(auth_token="s3cret")
    runner, base, _ = await start_server(queue, secured)
    url = base.replace("http", "ws") + "/dnode/websocket"
    try:
        async with await Client.connect(url) as anonymous:
            assert set(anonymous.remote) == {"auth"}
        with pytest.raises(RpcError, match="unauthorized"):
            await Client.connect(url, token="wrong")
        async with await Client.connect(url, token="s3cret") as c:
            assert {"echo", "create", "watch", "stats"} <= set(c.remote)
            assert await c.echo("in") == "in"
    finally:
        await runner.cleanup()
    assert await queue.count() == 1


async def test_connect_errors() -> None:
    with pytest.raises(RpcError, match="cannot connect"):
        await Client.connect("ws://127.0.0.1:9/dnode/websocket")
