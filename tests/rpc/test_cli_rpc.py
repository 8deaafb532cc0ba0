"""``pykue rpc`` runs the front door as its own process."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import aiohttp

from pykue import Queue, Settings
from pykue.rpc import RpcOptions
from pykue.rpc.client import Client
from tests.rpc.conftest import FAST_SOCKJS, start_server
from tests.support.redis_server import free_port


async def test_pykue_rpc_command(redis_url: str, queue: Queue) -> None:
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "DNODE_PORT": str(port), "KUE_PORT": "0"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "pykue.cli",
        "rpc",
        "--allow-type",
        "email",
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(base + "/dnode/info") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            async with http.get(base + "/") as resp:
                assert "pykue RPC demo" in await resp.text()
        async with await Client.connect(f"ws://127.0.0.1:{port}/dnode/websocket") as client:
            assert await client.echo("from the cli") == "from the cli"
            job_id = await client.create("email", {"to": "x"})
    finally:
        process.terminate()
        await process.wait()
    assert (await queue.get(1)).data == {"title": "echo", "data": "from the cli"}
    assert (await queue.get(job_id)).type == "email"


async def test_pykue_rpc_refuses_a_bad_port(redis_url: str) -> None:
    env = {**os.environ, "REDIS_URL": redis_url, "DNODE_PORT": "70000"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pykue.cli", "rpc", env=env, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    assert process.returncode != 0
    assert b"DNODE_PORT" in err


async def test_readme_client_example(queue: Queue, settings: Settings) -> None:
    """The example creates an `echo` job, a type the default app handles."""
    example = Path(__file__).parents[2] / "examples" / "rpc_client.py"
    options = RpcOptions(sockjs=FAST_SOCKJS, allowed_types=frozenset({"echo"}))
    runner, base, _ = await start_server(queue, settings, options)
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(example),
            base.replace("http", "ws") + "/dnode/websocket",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        await runner.cleanup()
    assert process.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    assert lines[0] == "echo: hello"
    assert lines[1] == "created job 2"
    assert lines[2].startswith("stats: {'inactiveCount': 2")
    assert (await queue.get(2)).data == {"title": "from python"}
