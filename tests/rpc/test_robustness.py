"""Where the seed crashes, pykue answers, ignores, or closes only the offending connection."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from pykue import Queue, Settings
from pykue.rpc import PeerLimits, RpcOptions
from pykue.rpc.client import Client
from tests.rpc.conftest import FAST_SOCKJS, RpcServer, start_server
from tests.support.redis_server import free_port


def dnode_line(method: Any, arguments: list[Any], callbacks: dict[str, Any] | None = None) -> str:
    body = {"method": method, "arguments": arguments, "callbacks": callbacks or {}, "links": []}
    return json.dumps(body) + "\n"


async def raw(rpc: RpcServer) -> aiohttp.ClientWebSocketResponse:
    ws = await rpc.http.ws_connect(rpc.ws_base + "/dnode/websocket")
    assert json.loads(await ws.receive_str())["method"] == "methods"
    return ws


async def still_serving(rpc: RpcServer) -> None:
    async with await Client.connect(rpc.ws_base + "/dnode/websocket") as c:
        assert await c.echo("alive") == "alive"


async def test_calls_without_or_with_bad_callbacks_are_served(rpc: RpcServer, queue: Queue) -> None:
    ws = await raw(rpc)
    await ws.send_str(dnode_line("echo", ["no callback"]))  # killed the seed's master
    await ws.send_str(dnode_line("echo", ["not a function", 42]))
    await ws.send_str(dnode_line("echo", []))
    await ws.send_str(dnode_line("stats", []))
    await ws.send_str(dnode_line("create", ["email"]))
    await ws.send_str(dnode_line("watch", [1, "x", 3]))
    await ws.send_str(dnode_line("noSuchMethod", ["x"], {"0": ["0"]}))
    await ws.send_str(dnode_line(12345, ["x"]))
    await ws.send_str(dnode_line("cull", [0, "x", True]))
    await ws.send_str(json.dumps([1, 2]) + "\n")
    await ws.send_str('{"method": true}\n')
    await ws.send_str(dnode_line("echo", ["works", "[Function]"], {"0": ["1"]}))
    answer = json.loads(await ws.receive_str(timeout=30))
    assert answer == {"method": 0, "arguments": ["works"], "callbacks": {}, "links": []}
    await ws.close()
    wanted = [{"title": "echo", "data": "no callback"}, {"title": "echo"}]
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        datas = [j.data for j in await queue.range()]
        if all(w in datas for w in wanted):
            break
        assert asyncio.get_running_loop().time() < deadline, "the echo jobs were not created"
        await asyncio.sleep(0.02)
    assert {"title": "echo", "data": "no callback"} in datas
    assert {"title": "echo"} in datas
    await still_serving(rpc)


async def test_lines_split_and_joined_across_messages(rpc: RpcServer) -> None:
    ws = await raw(rpc)
    line = dnode_line("echo", ["a", "[Function]"], {"0": ["1"]})
    await ws.send_str(line[:10])
    await ws.send_str(line[10:] + dnode_line("echo", ["b", "[Function]"], {"0": ["1"]}))
    got = [json.loads(await ws.receive_str(timeout=30))["arguments"] for _ in range(2)]
    assert sorted(got) == [["a"], ["b"]]
    await ws.close()


async def test_malformed_line_closes_only_that_connection(rpc: RpcServer) -> None:
    bystander = await raw(rpc)
    ws = await raw(rpc)
    await ws.send_str("{broken\n")
    message = await ws.receive(timeout=30)
    assert (message.type, message.data) == (aiohttp.WSMsgType.CLOSE, 1000)
    await bystander.send_str(dnode_line("echo", ["b", "[Function]"], {"0": ["1"]}))
    assert json.loads(await bystander.receive_str(timeout=30))["arguments"] == ["b"]
    await bystander.close()
    await still_serving(rpc)


async def test_huge_frames_close_the_connection(queue: Queue, settings: Settings) -> None:
    limits = PeerLimits()
    options = RpcOptions(sockjs=FAST_SOCKJS, limits=limits)
    runner, base, app = await start_server(queue, settings, options)
    try:
        async with aiohttp.ClientSession() as http:
            rpc = RpcServer(base, http, app)
            ws = await raw(rpc)
            await ws.send_str("x" * 2_000_000)  # over the websocket message limit
            message = await ws.receive(timeout=30)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            ws = await raw(rpc)
            for _ in range(3):  # a line that never ends, in pieces under the message limit
                await ws.send_str("y" * 500_000)
            message = await ws.receive(timeout=30)
            assert (message.type, message.data) == (aiohttp.WSMsgType.CLOSE, 1000)
            await still_serving(rpc)
    finally:
        await runner.cleanup()


async def test_flood_of_callbacks_closes_the_connection(queue: Queue, settings: Settings) -> None:
    limits = PeerLimits(max_local_callbacks=50, max_pending_calls=20)
    options = RpcOptions(sockjs=FAST_SOCKJS, limits=limits)
    runner, base, app = await start_server(queue, settings, options)
    try:
        async with aiohttp.ClientSession() as http:
            rpc = RpcServer(base, http, app)
            ws = await raw(rpc)
            # each echo of a value holding a function makes the server keep a relay callback
            callbacks = {"0": ["0", "f"], "1": ["1"]}
            flood = "".join(
                dnode_line("echo", [{"f": "[Function]"}, "[Function]"], callbacks)
                for _ in range(100)
            )
            await ws.send_str(flood)
            closed = False
            for _ in range(200):
                message = await ws.receive(timeout=30)
                if message.type != aiohttp.WSMsgType.TEXT:
                    closed = True
                    break
            assert closed
            await still_serving(rpc)
    finally:
        await runner.cleanup()


async def test_sockjs_send_errors_leave_the_session_usable(rpc: RpcServer) -> None:
    base = rpc.base + "/dnode/000/rb1"
    async with rpc.http.post(base + "/xhr") as resp:
        assert await resp.text() == "o\n"
    for body in (b"", b"[", b'{"a":', b"\xff\xfe"):
        async with rpc.http.post(base + "/xhr_send", data=body) as resp:
            assert resp.status == 500
    line = dnode_line("echo", ["ok", "[Function]"], {"0": ["1"]})
    async with rpc.http.post(base + "/xhr_send", data=json.dumps([line]).encode()) as resp:
        assert resp.status == 204
    seen = ""
    while '"arguments":["ok"]' not in seen.replace(" ", "").replace("\\", ""):
        async with rpc.http.post(base + "/xhr") as resp:
            seen += await resp.text()


async def test_redis_down_gets_answers_not_crashes() -> None:
    settings = Settings.from_env({}, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    queue = Queue(settings=settings)
    options = RpcOptions(sockjs=FAST_SOCKJS, allowed_types=frozenset({"email"}))
    runner, base, _ = await start_server(queue, settings, options)
    try:
        async with await Client.connect(base.replace("http", "ws") + "/dnode/websocket") as c:
            assert await c.echo("still answered") == "still answered"  # as the seed does
            (err,) = await c.call("create", "email", {})
            assert "message" in err
            (err,) = await c.call("stats")
            assert "message" in err
            (err,) = await c.call("watch", 1, print)
            assert "message" in err
    finally:
        await runner.cleanup()
        await queue.close()


async def test_a_job_is_saved_even_if_the_caller_hangs_up_at_once(
    rpc: RpcServer, queue: Queue
) -> None:
    ws = await raw(rpc)
    for n in range(20):
        await ws.send_str(dnode_line("echo", [f"hang up {n}", "[Function]"], {"0": ["1"]}))
    await ws.close()  # the connection's tasks are cancelled now; the accepted jobs must survive
    wanted = [{"title": "echo", "data": f"hang up {n}"} for n in range(20)]
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        datas = [j.data for j in await queue.range()]
        if all(w in datas for w in wanted):
            break
        assert asyncio.get_running_loop().time() < deadline, f"jobs lost: {datas}"
        await asyncio.sleep(0.05)
    await still_serving(rpc)
