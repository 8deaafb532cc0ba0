"""End to end: ``pykue serve`` as a subprocess, used as the seed is used.

The real npm dnode + sockjs-client call ``echo``; the job is worked by the worker processes and
seen complete through the JSON API and on the dashboard in headless Chromium; a static file is
served; SIGTERM drains and exits 0; a second start finds the data again (embedded Redis, AOF).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from pykue.rpc.client import Client
from tests.e2e.serve_process import ROOT, ServeProcess
from tests.support.browser import chromium
from tests.support.redis_server import free_port

HERE = Path(__file__).parent
NODE_MODULES = ROOT / "tests" / "node" / "node_modules"
EXAMPLE = "examples/thumbnails.py:queue"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def served(data_dir: Path) -> Iterator[ServeProcess]:
    """The seed's system: ``pykue serve`` with no APP (the built-in echo app)."""
    server = ServeProcess(data_dir).start()
    yield server
    server.kill()


@pytest.fixture
def example(data_dir: Path) -> Iterator[ServeProcess]:
    """``pykue serve`` running the example app of ``examples/``."""
    server = ServeProcess(data_dir, EXAMPLE).start()
    yield server
    server.kill()


async def get_json(url: str) -> Any:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def wait_for(url: str, predicate: Any, polls: int = 300) -> Any:
    """Poll a JSON URL (every 0.1 s) until ``predicate(body)`` is true; return the body."""
    body: Any = None
    for _ in range(polls):
        body = await get_json(url)
        if predicate(body):
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never satisfied the condition; last: {body!r}")


def node_echo(base: str, text: str) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(HERE / "echo_peer.js"), base, text],
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def echo_done(body: list[dict[str, Any]]) -> bool:
    return any(j["data"] == {"title": "echo", "data": "hello from node"} for j in body)


async def screenshot_dashboard(url: str, job_id: int) -> str:
    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(url + "/complete")
        await page.get_by_text(f"#{job_id}").first.wait_for(timeout=30000)
        await page.wait_for_function(
            "document.querySelector('#count-complete').textContent.trim() === '1'",
            timeout=30000,
        )
        out = ROOT / "test-output"
        out.mkdir(exist_ok=True)
        await page.screenshot(path=str(out / "serve-dashboard.png"), full_page=True)
        return await page.title()


async def test_the_whole_system(served: ServeProcess, data_dir: Path) -> None:
    assert f"Listen port: {served.kue_port}" in served.output
    assert f"Listen port: {served.dnode_port}" in served.output

    # The seed's path: a browser-side dnode client calls echo over SockJS; a worker completes it.
    assert node_echo(served.dnode + "/dnode", "hello from node") == {"echoed": "hello from node"}
    complete = await wait_for(served.kue + "/jobs/echo/complete/0..100/asc", echo_done)
    echo_id = next(j["id"] for j in complete if echo_done([j]))

    # Static files on DNODE_PORT.
    async with aiohttp.ClientSession() as http, http.get(served.dnode + "/") as response:
        assert response.status == 200
        assert "text/html" in response.headers["Content-Type"]

    # The dashboard shows the completed echo job.
    assert (await screenshot_dashboard(served.kue, echo_id)).endswith("Under The Rules")

    # A job nobody processes is still queued after a restart: nothing is lost.
    async with aiohttp.ClientSession() as http:
        body = {"type": "later", "data": {"title": "kept across restarts"}}
        async with http.post(served.kue + "/job", json=body) as response:
            later_id = (await response.json())["id"]

    assert served.stop() == 0
    assert served.stop_seconds < 5 + 5

    again = ServeProcess(data_dir).start()
    try:
        kept = await get_json(f"{again.kue}/job/{later_id}")
        assert kept["state"] == "inactive"
        assert (await get_json(f"{again.kue}/job/{echo_id}"))["state"] == "complete"
        assert again.stop() == 0
    finally:
        again.kill()


async def test_an_example_app(example: ServeProcess) -> None:
    # The example app's own RPC method and handler: progress, log and result.
    async with await Client.connect(f"ws://127.0.0.1:{example.dnode_port}/dnode/websocket") as rpc:
        (err, thumb_id) = await rpc.call("thumbnail", "cat.png")
    assert err is None
    job = await wait_for(f"{example.kue}/job/{thumb_id}", lambda b: b.get("state") == "complete")
    assert job["result"] == {"thumbnails": ["cat.png@64px", "cat.png@128px", "cat.png@256px"]}
    assert job["progress"] == "100"
    log = await get_json(f"{example.kue}/job/{thumb_id}/log")
    assert log == [f"made the {s}px thumbnail of cat.png" for s in (64, 128, 256)]

    assert example.stop() == 0


def run_failing(data_dir: Path, *args: str, **env: str) -> str:
    """Run ``pykue serve`` expecting it to refuse to start; return its one-line error."""
    server = ServeProcess(data_dir, *args, **env)
    done = subprocess.run(
        [sys.executable, "-m", "pykue.cli", "serve", *args],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_port_in_use_is_one_clear_line(data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = run_failing(data_dir, KUE_PORT=str(port))
    assert line == f"Error: KUE_PORT {port} is already in use on 127.0.0.1"


def test_a_missing_static_folder_is_one_clear_line(data_dir: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    line = run_failing(data_dir, STATIC_PATH=str(missing))
    assert line == f"Error: STATIC_PATH {str(missing)!r} is not a folder"


def test_an_unreachable_redis_is_one_clear_line(data_dir: Path) -> None:
    port = free_port()
    line = run_failing(data_dir, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    assert line.startswith(f"Error: cannot reach Redis at redis://127.0.0.1:{port}/0")


def test_a_bad_app_is_one_clear_line(data_dir: Path) -> None:
    line = run_failing(data_dir, "no_such_module:queue")
    assert line == "Error: cannot load app: no module named 'no_such_module'"
