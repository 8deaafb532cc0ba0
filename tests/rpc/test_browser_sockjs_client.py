"""The real browser sockjs-client (1.6.1, from npm) in headless Chromium, on every transport it
offers (the iframe ones load the client through /dnode/iframe.html), with the demo page's dnode
client on top: echo round trips against pykue."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.async_api import Browser

from pykue import Queue, Settings
from pykue.rpc import RpcOptions
from pykue.rpc.static import default_folder
from tests.rpc.conftest import FAST_SOCKJS, start_server

SOCKJS_DIST = Path(__file__).parents[1] / "node" / "node_modules" / "sockjs-client" / "dist"

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body>
<pre id="log"></pre>
<script src="/sockjs.min.js"></script>
<script src="/rpc.js"></script>
<script>
  var transport = new URLSearchParams(location.search).get('t');
  var sock = new SockJS('/dnode', null, {transports: [transport]});
  var d = new PykueRPC.Dnode({}, function (line) { sock.send(line); });
  d.onremote = function (remote) {
    remote.echo('over ' + transport + ' \\u00e9\\n', function (s) {
      document.getElementById('log').textContent = JSON.stringify([s, sock.transport]);
    });
  };
  sock.onopen = function () { d.start(); };
  sock.onmessage = function (e) { d.write(e.data); };
</script></body></html>
"""

TRANSPORTS = [
    "websocket",
    "xhr-streaming",
    "xhr-polling",
    "eventsource",
    "iframe-eventsource",
    "iframe-htmlfile",
    "iframe-xhr-polling",
    "jsonp-polling",
]


@pytest.fixture
async def page_base(queue: Queue, settings: Settings, tmp_path: Path) -> AsyncIterator[str]:
    assert SOCKJS_DIST.is_dir(), "run `make pytest` (it npm-installs tests/node)"
    shutil.copy(SOCKJS_DIST / "sockjs.min.js", tmp_path / "sockjs.min.js")
    shutil.copy(default_folder() / "rpc.js", tmp_path / "rpc.js")
    (tmp_path / "index.html").write_text(PAGE)
    options = RpcOptions(sockjs=replace(FAST_SOCKJS, sockjs_url="/sockjs.min.js"))
    runner, base, _ = await start_server(queue, settings.replace(static_path=tmp_path), options)
    yield base
    await runner.cleanup()


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_sockjs_client_in_chromium(
    browser: Browser,
    page_base: str,
    queue: Queue,
    transport: str,
) -> None:
    page = await browser.new_page()
    page.set_default_timeout(15_000)
    await page.goto(f"{page_base}/?t={transport}")
    await page.wait_for_function("document.getElementById('log').textContent !== ''")
    answer, used = json.loads(await page.text_content("#log") or "[]")
    assert answer == f"over {transport} é\n"
    assert used == transport
    assert (await queue.get(1)).data == {"title": "echo", "data": answer}
    await page.close()
