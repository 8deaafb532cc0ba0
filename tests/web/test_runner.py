"""Serving for real: ``start_web`` on a TCP port, ``pykue web`` as a process, Redis down."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp

from pykue import Queue, Settings
from pykue.web.runner import bound_port, start_web
from tests.support.redis_server import free_port
from tests.web.conftest import make_client


async def test_start_web_serves_http(queue: Queue, settings: Settings) -> None:
    runner = await start_web(queue, settings.replace(kue_port=0))
    try:
        port = bound_port(runner)
        assert port > 0
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/stats") as response:
                assert (await response.json())["inactiveCount"] == 0
            async with http.get(f"http://127.0.0.1:{port}/") as response:
                assert "<title>Under The Rules</title>" in await response.text()
    finally:
        await runner.cleanup()


def test_cli_web_runs_the_dashboard(redis_url: str) -> None:
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "KUE_PORT": str(port), "PYKUE_TITLE": "Ops"}
    pykue = Path(sys.executable).with_name("pykue")
    process = subprocess.Popen([str(pykue), "web"], env=env, stderr=subprocess.PIPE)
    try:
        body = _wait_for(f"http://127.0.0.1:{port}/")
        assert '<h1 id="title">Ops</h1>' in body
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=15)
    assert process.returncode == 0, err.decode()


def _wait_for(url: str) -> str:
    for _ in range(150):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def test_cli_web_reports_a_busy_port(redis_url: str) -> None:
    with_socket = socket.socket()
    with_socket.bind(("127.0.0.1", 0))
    with_socket.listen()
    port = with_socket.getsockname()[1]
    env = {**os.environ, "REDIS_URL": redis_url, "KUE_PORT": str(port)}
    pykue = Path(sys.executable).with_name("pykue")
    try:
        result = subprocess.run([str(pykue), "web"], env=env, capture_output=True, timeout=30)
    finally:
        with_socket.close()
    assert result.returncode == 1
    assert b"cannot serve the dashboard" in result.stderr


async def test_redis_down_is_503_not_a_crash() -> None:
    settings = Settings.from_env({}, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    queue = Queue(settings=settings)
    http = await make_client(queue, settings)
    try:
        health = await http.get("/healthz")
        assert health.status == 503
        assert (await health.json())["redis"] is False
        stats = await http.get("/stats")
        assert stats.status == 503
        assert "redis unavailable" in (await stats.json())["error"]
        page = await http.get("/")
        assert page.status == 200
    finally:
        await http.close()
        await queue.close()
