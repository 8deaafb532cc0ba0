"""Hand-written SockJS traffic against the real server, over every transport.

The server runs with fast timings (heartbeat 0.4 s, disconnect delay 0.6 s, 4096-byte streaming
responses), and the application behind /dnode is dnode, so the first message of every session is
the server's ``methods`` frame.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import aiohttp
import pytest

from pykue import Queue, Settings
from pykue.rpc import RpcOptions, sockjs
from tests.rpc.conftest import FAST_SOCKJS, RpcServer, start_server

ECHO = (
    json.dumps(
        {
            "method": "echo",
            "arguments": ["hi", "[Function]"],
            "callbacks": {"0": ["1"]},
            "links": [],
        },
        separators=(",", ":"),
    )
    + "\n"
)
ANSWER = '{"method":0,"arguments":["hi"],"callbacks":{},"links":[]}\n'
ANSWER_FRAME = sockjs.message_frame([ANSWER])
NO_CACHE = "no-store, no-cache, must-revalidate, max-age=0"


def is_methods_frame(frame: str) -> bool:
    messages = json.loads(frame[1:])
    return frame.startswith("a") and json.loads(messages[0])["method"] == "methods"


# -- fixed pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/dnode", "/dnode/"])
async def test_greeting(rpc: RpcServer, path: str) -> None:
    async with rpc.http.get(rpc.base + path) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "text/plain; charset=UTF-8"
        assert await resp.text() == "Welcome to SockJS!\n"


async def test_info(rpc: RpcServer) -> None:
    async with rpc.http.get(rpc.base + "/dnode/info", headers={"Origin": "http://x"}) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json; charset=UTF-8"
        assert resp.headers["Cache-Control"] == NO_CACHE
        assert resp.headers["Access-Control-Allow-Origin"] == "http://x"
        assert resp.headers["Access-Control-Allow-Credentials"] == "true"
        assert "Set-Cookie" not in resp.headers
        body = await resp.json()
    assert set(body) == {"websocket", "origins", "cookie_needed", "entropy"}
    assert body["websocket"] is True
    assert body["cookie_needed"] is False


async def test_info_preflight(rpc: RpcServer) -> None:
    async with rpc.http.options(rpc.base + "/dnode/info", headers={"Origin": "null"}) as resp:
        assert resp.status == 204
        assert resp.headers["Access-Control-Allow-Methods"] == "OPTIONS, GET"
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert resp.headers["Cache-Control"] == "public, max-age=31536000"
        assert resp.headers["Access-Control-Max-Age"] == "31536000"
        assert "Expires" in resp.headers
        assert await resp.read() == b""


async def test_iframe_page_is_cached_with_etag(rpc: RpcServer) -> None:
    async with rpc.http.get(rpc.base + "/dnode/iframe.html?t=1") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "text/html; charset=UTF-8"
        assert resp.headers["Cache-Control"] == "public, max-age=31536000"
        assert "Last-Modified" not in resp.headers
        etag = resp.headers["ETag"]
        assert "bootstrap_iframe" in await resp.text()
    async with rpc.http.get(
        rpc.base + "/dnode/iframe-0.3.4.html", headers={"If-None-Match": etag}
    ) as resp:
        assert resp.status == 304
        assert "Content-Type" not in resp.headers
        assert await resp.read() == b""


@pytest.mark.parametrize(
    "path",
    [
        "/dnode/iframe.htm",
        "/dnode/IFRAME.HTML",
        "/dnode/iframe-/.html",
        "/dnode/a",
        "/dnode/a/b",
        "/dnode/a/b/nope",
        "/dnode/a.b/c/xhr",
        "/dnode/a/b.c/xhr",
        "/dnode/a/b/c/xhr",
        "/dnode//b/xhr",
    ],
)
async def test_not_found(rpc: RpcServer, path: str) -> None:
    async with rpc.http.post(rpc.base + path) as resp:
        assert resp.status in (404, 405)
    async with rpc.http.get(rpc.base + path) as resp:
        assert resp.status == 404


async def test_wrong_methods(rpc: RpcServer) -> None:
    async with rpc.http.get(rpc.base + "/dnode/000/s1/xhr") as resp:
        assert resp.status == 405
        assert resp.headers["Allow"] == "POST, OPTIONS"
    async with rpc.http.post(rpc.base + "/dnode/000/s1/websocket") as resp:
        assert resp.status == 405
    async with rpc.http.get(rpc.base + "/dnode/000/s1/websocket") as resp:
        assert resp.status == 400
        assert await resp.text() == 'Can "Upgrade" only to "WebSocket".'
    headers = {"Upgrade": "websocket", "Connection": "keep-alive"}
    async with rpc.http.get(rpc.base + "/dnode/000/s1/websocket", headers=headers) as resp:
        assert resp.status == 400


# -- websockets ----------------------------------------------------------------------------


async def test_framed_websocket_echo_and_heartbeat(rpc: RpcServer, queue: Queue) -> None:
    ws = await rpc.http.ws_connect(rpc.ws_base + "/dnode/000/abcdefgh/websocket")
    assert await ws.receive_str() == "o"
    assert is_methods_frame(await ws.receive_str())
    await ws.send_str(json.dumps([ECHO]))
    assert await ws.receive_str() == ANSWER_FRAME
    assert await ws.receive_str(timeout=3) == "h"
    await ws.send_str("")  # ignored
    await ws.send_str("[]")  # ignored
    await ws.send_str(json.dumps(ECHO))  # a single string is accepted too
    assert await ws.receive_str() == ANSWER_FRAME
    await ws.close()
    assert (await queue.get(1)).data == {"title": "echo", "data": "hi"}


async def test_framed_websocket_broken_json_drops_the_connection(rpc: RpcServer) -> None:
    ws = await rpc.http.ws_connect(rpc.ws_base + "/dnode/000/abcdefgh/websocket")
    assert await ws.receive_str() == "o"
    assert is_methods_frame(await ws.receive_str())
    await ws.send_str("[not json")
    message = await ws.receive(timeout=3)
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


async def test_framed_websocket_bad_dnode_line_closes_normally(rpc: RpcServer) -> None:
    ws = await rpc.http.ws_connect(rpc.ws_base + "/dnode/000/abcdefgh/websocket")
    assert await ws.receive_str() == "o"
    assert is_methods_frame(await ws.receive_str())
    await ws.send_str(json.dumps(["this is not json\n"]))
    assert await ws.receive_str(timeout=3) == 'c[1000,"Normal closure"]'
    message = await ws.receive(timeout=3)
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


async def test_same_session_id_on_two_websockets_are_two_sessions(rpc: RpcServer) -> None:
    one = await rpc.http.ws_connect(rpc.ws_base + "/dnode/000/same/websocket")
    two = await rpc.http.ws_connect(rpc.ws_base + "/dnode/001/same/websocket")
    for ws in (one, two):
        assert await ws.receive_str() == "o"
        assert is_methods_frame(await ws.receive_str())
    await two.send_str(json.dumps([ECHO]))
    assert await two.receive_str() == ANSWER_FRAME
    await one.close()
    await two.close()


async def test_raw_websocket(rpc: RpcServer) -> None:
    ws = await rpc.http.ws_connect(rpc.ws_base + "/dnode/websocket")
    methods = json.loads(await ws.receive_str())
    assert methods["method"] == "methods"
    assert methods["callbacks"]["0"] == ["0", "echo"]
    await ws.send_str(ECHO)
    assert await ws.receive_str() == ANSWER
    await ws.send_str("garbage\n")
    message = await ws.receive(timeout=3)
    assert message.type == aiohttp.WSMsgType.CLOSE
    assert message.data == 1000


# -- xhr polling ---------------------------------------------------------------------------


async def poll(rpc: RpcServer, session: str, **kwargs: object) -> str:
    async with rpc.http.post(f"{rpc.base}/dnode/000/{session}/xhr", **kwargs) as resp:  # type: ignore[arg-type]
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/javascript; charset=UTF-8"
        assert resp.headers["Cache-Control"] == NO_CACHE
        text = await resp.text()
    assert text.endswith("\n")
    return text[:-1]


async def send(rpc: RpcServer, session: str, body: str, **kwargs: object) -> tuple[int, str]:
    url = f"{rpc.base}/dnode/000/{session}/xhr_send"
    async with rpc.http.post(url, data=body.encode(), **kwargs) as resp:  # type: ignore[arg-type]
        return resp.status, await resp.text()


async def collect(rpc: RpcServer, session: str, count: int) -> list[str]:
    """Poll until ``count`` messages arrived (batching between polls may vary)."""
    messages: list[str] = []
    while len(messages) < count:
        frame = await poll(rpc, session)
        if frame.startswith("a"):
            messages += json.loads(frame[1:])
    return messages


async def test_xhr_polling_round_trip(rpc: RpcServer) -> None:
    assert await poll(rpc, "p1") == "o"
    assert is_methods_frame(await poll(rpc, "p1"))
    assert await send(rpc, "p1", json.dumps([ECHO, ECHO])) == (204, "")
    assert await collect(rpc, "p1", 2) == [ANSWER, ANSWER]
    assert await poll(rpc, "p1") == "h"


async def test_xhr_cors_and_preflight(rpc: RpcServer) -> None:
    async with rpc.http.post(
        rpc.base + "/dnode/000/c1/xhr", headers={"Origin": "http://page"}
    ) as resp:
        assert resp.headers["Access-Control-Allow-Origin"] == "http://page"
        assert resp.headers["Access-Control-Allow-Credentials"] == "true"
    for suffix in ("xhr", "xhr_send", "xhr_streaming"):
        headers = {"Origin": "http://page", "Access-Control-Request-Headers": "a, b"}
        async with rpc.http.options(f"{rpc.base}/dnode/000/c1/{suffix}", headers=headers) as resp:
            assert resp.status == 204
            assert resp.headers["Access-Control-Allow-Methods"] == "OPTIONS, POST"
            assert resp.headers["Access-Control-Allow-Headers"] == "a, b"
            assert resp.headers["Access-Control-Allow-Origin"] == "http://page"


async def test_xhr_send_errors(rpc: RpcServer) -> None:
    assert (await send(rpc, "unknown", '["x"]'))[0] == 404
    assert await poll(rpc, "e1") == "o"
    assert await send(rpc, "e1", "") == (500, "Payload expected.")
    assert await send(rpc, "e1", "[bad") == (500, "Broken JSON encoding.")
    assert await send(rpc, "e1", "[1,2]") == (500, "Broken JSON encoding.")
    status, _ = await send(rpc, "e1", json.dumps(["x" * 2_000_000]))
    assert status == 413
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert (await send(rpc, "e1", "d=" + json.dumps([ECHO]), headers=form))[0] == 204
    messages = await collect(rpc, "e1", 2)
    assert json.loads(messages[0])["method"] == "methods"
    assert messages[1] == ANSWER


async def test_second_receiver_gets_2010(rpc: RpcServer) -> None:
    assert await poll(rpc, "r1") == "o"
    assert is_methods_frame(await poll(rpc, "r1"))
    first = asyncio.ensure_future(poll(rpc, "r1"))
    await asyncio.sleep(0.1)
    assert await poll(rpc, "r1") == 'c[2010,"Another connection still open"]'
    assert await first == "h"  # the first receiver kept the session


async def test_session_expires_without_a_receiver(rpc: RpcServer) -> None:
    assert await poll(rpc, "x1") == "o"
    assert (await send(rpc, "x1", "[]"))[0] == 204
    await asyncio.sleep(1.2)  # disconnect_delay is 0.6 s
    assert (await send(rpc, "x1", "[]"))[0] == 404
    assert await poll(rpc, "x1") == "o"  # a poll makes a new session


async def test_closed_session_repeats_its_close_frame(rpc: RpcServer) -> None:
    assert await poll(rpc, "k1") == "o"
    assert is_methods_frame(await poll(rpc, "k1"))
    assert (await send(rpc, "k1", json.dumps(["not json\n"])))[0] == 204
    assert await poll(rpc, "k1") == 'c[1000,"Normal closure"]'
    assert await poll(rpc, "k1") == 'c[1000,"Normal closure"]'


async def test_aborted_poll_interrupts_the_session(rpc: RpcServer) -> None:
    assert await poll(rpc, "a1") == "o"
    assert is_methods_frame(await poll(rpc, "a1"))
    with pytest.raises(asyncio.TimeoutError):
        await poll(rpc, "a1", timeout=aiohttp.ClientTimeout(total=0.15))
    await asyncio.sleep(0.3)
    assert await poll(rpc, "a1") == 'c[1002,"Connection interrupted"]'


# -- streaming -----------------------------------------------------------------------------


async def test_xhr_streaming_and_response_limit(rpc: RpcServer) -> None:
    url = rpc.base + "/dnode/000/st1/xhr_streaming"
    async with rpc.http.post(url) as resp:
        assert resp.headers["Content-Type"] == "application/javascript; charset=UTF-8"
        assert await resp.content.readline() == b"h" * 2048 + b"\n"
        assert await resp.content.readline() == b"o\n"
        assert is_methods_frame((await resp.content.readline()).decode()[:-1])
        big = ECHO.replace('"hi"', json.dumps("x" * 1500))
        assert (await send(rpc, "st1", json.dumps([big] * 4)))[0] == 204
        rest = (await resp.content.read()).decode()  # ends once past 4096 bytes
    frames = [f for f in rest.split("\n") if f]
    received = sum(len(json.loads(f[1:])) for f in frames if f.startswith("a"))
    async with rpc.http.post(url) as resp:  # the client reopens and gets the rest
        assert await resp.content.readline() == b"h" * 2048 + b"\n"
        while received < 4:
            frame = (await resp.content.readline()).decode()[:-1]
            if frame.startswith("a"):
                received += len(json.loads(frame[1:]))
    assert received == 4


async def test_eventsource(rpc: RpcServer) -> None:
    async with rpc.http.get(rpc.base + "/dnode/000/es1/eventsource") as resp:
        assert resp.headers["Content-Type"] == "text/event-stream; charset=UTF-8"
        assert await resp.content.readexactly(2) == b"\r\n"
        assert await resp.content.readuntil(b"\r\n\r\n") == b"data: o\r\n\r\n"
        methods = (await resp.content.readuntil(b"\r\n\r\n")).decode()
        assert is_methods_frame(methods[len("data: ") : -4])
        assert (await send(rpc, "es1", json.dumps([ECHO])))[0] == 204
        answer = (await resp.content.readuntil(b"\r\n\r\n")).decode()
        assert answer == f"data: {ANSWER_FRAME}\r\n\r\n"
        assert await resp.content.readuntil(b"\r\n\r\n") == b"data: h\r\n\r\n"


async def test_htmlfile(rpc: RpcServer) -> None:
    async with rpc.http.get(rpc.base + "/dnode/000/hf1/htmlfile") as resp:
        assert resp.status == 500
        assert await resp.text() == '"callback" parameter required'
    async with rpc.http.get(rpc.base + "/dnode/000/hf1/htmlfile?c=x(1)") as resp:
        assert resp.status == 500
        assert await resp.text() == 'invalid "callback" parameter'
    async with rpc.http.get(rpc.base + "/dnode/000/hf1/htmlfile?c=cb.x") as resp:
        assert resp.headers["Content-Type"] == "text/html; charset=UTF-8"
        prelude = (await resp.content.readuntil(b"\r\n\r\n")).decode()
        assert "var c = parent.cb.x;" in prelude
        assert len(prelude) > 1024
        assert await resp.content.readuntil(b"\r\n") == b'<script>\np("o");\n</script>\r\n'
    await asyncio.sleep(0.3)  # the page went away mid-stream: the session was interrupted
    assert await poll(rpc, "hf1") == 'c[1002,"Connection interrupted"]'


async def test_jsonp_and_jsonp_send(rpc: RpcServer) -> None:
    async with rpc.http.get(rpc.base + "/dnode/000/jp1/jsonp") as resp:
        assert resp.status == 500
    async with rpc.http.post(rpc.base + "/dnode/000/jp1/xhr_send", data=b"[]") as resp:
        assert resp.status == 404  # the rejected jsonp created no session
    async with rpc.http.get(rpc.base + "/dnode/000/jp1/jsonp?c=cb") as resp:
        assert resp.headers["Content-Type"] == "application/javascript; charset=UTF-8"
        assert "Access-Control-Allow-Origin" not in resp.headers
        assert await resp.text() == 'cb("o");\r\n'
    form = aiohttp.FormData({"d": json.dumps([ECHO])})
    async with rpc.http.post(rpc.base + "/dnode/000/jp1/jsonp_send", data=form) as resp:
        assert resp.status == 200
        assert await resp.text() == "ok"
    async with rpc.http.post(rpc.base + "/dnode/000/jp1/jsonp_send", data=b"") as resp:
        assert resp.status == 500
        assert await resp.text() == "Payload expected."
    messages: list[str] = []
    while len(messages) < 2:  # the methods frame and the answer, in one batch or two
        async with rpc.http.get(rpc.base + "/dnode/000/jp1/jsonp?c=cb") as resp:
            body = await resp.text()
        assert body.startswith("cb(")
        assert body.endswith(");\r\n")
        frame = json.loads(body[3:-4])
        assert frame.startswith("a")
        messages += json.loads(frame[1:])
    assert json.loads(messages[0])["method"] == "methods"
    assert messages[1] == ANSWER


async def test_cookie_needed_and_websocket_disabled(queue: Queue, settings: Settings) -> None:
    sockjs_options = replace(FAST_SOCKJS, cookie_needed=True, websocket=False)
    runner, base, _ = await start_server(queue, settings, RpcOptions(sockjs=sockjs_options))
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(base + "/dnode/info") as resp:
                body = await resp.json()
                assert (body["websocket"], body["cookie_needed"]) == (False, True)
                assert "Set-Cookie" not in resp.headers
            async with http.post(base + "/dnode/000/ck/xhr") as resp:
                assert resp.headers["Set-Cookie"] == "JSESSIONID=dummy; path=/"
            http.cookie_jar.update_cookies({"JSESSIONID": "abc"})
            async with http.post(base + "/dnode/000/ck/xhr") as resp:
                assert resp.headers["Set-Cookie"] == "JSESSIONID=abc; path=/"
            async with http.options(base + "/dnode/000/ck/xhr_send") as resp:
                assert resp.headers["Set-Cookie"] == "JSESSIONID=abc; path=/"
            for path in ("/dnode/websocket", "/dnode/000/ck2/websocket"):
                with pytest.raises(aiohttp.WSServerHandshakeError):
                    await http.ws_connect(base.replace("http", "ws") + path)
    finally:
        await runner.cleanup()


async def test_xhr_echoes_requested_cors_headers(rpc: RpcServer) -> None:
    headers = {"Access-Control-Request-Headers": "a, b, c"}
    async with rpc.http.post(rpc.base + "/dnode/000/ch1/xhr", headers=headers) as resp:
        assert resp.headers["Access-Control-Allow-Headers"] == "a, b, c"
    async with rpc.http.post(rpc.base + "/dnode/000/ch2/xhr") as resp:
        assert "Access-Control-Allow-Headers" not in resp.headers


async def test_http_10_streaming_ends_with_the_connection(rpc: RpcServer) -> None:
    host, port = rpc.base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST /dnode/000/h10/xhr_streaming HTTP/1.0\r\n"
        b"Connection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"
    )
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200")
    assert b"Transfer-Encoding" not in head
    assert await reader.readexactly(2049) == b"h" * 2048 + b"\n"
    assert await reader.readline() == b"o\n"
    big = ECHO.replace('"hi"', json.dumps("x" * 5000))
    assert (await send(rpc, "h10", json.dumps([big])))[0] == 204
    rest = await asyncio.wait_for(reader.read(), 5)  # over the 4096-byte limit: closed
    assert rest.endswith(b"\n")
    writer.close()
