"""Real npm dnode 1.2.2 over real sockjs-client 1.6.1 (and the raw websocket) against pykue."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
import redis

from pykue import Queue, Settings
from pykue.rpc import RpcOptions
from tests.rpc.conftest import FAST_SOCKJS, start_server

HERE = Path(__file__).parent
NODE_MODULES = HERE.parent / "node" / "node_modules"
PEER = HERE / "dnode_peer.js"
OPTIONS = RpcOptions(sockjs=FAST_SOCKJS, allowed_types=frozenset({"email"}))


async def run_peer(base: str, transport: str, token: str | None = None) -> dict[str, Any]:
    assert (NODE_MODULES / "dnode").is_dir(), "run `make pytest` (it npm-installs tests/node)"
    args = [str(PEER), base + "/dnode", transport] + ([token] if token else [])
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    process = await asyncio.create_subprocess_exec(
        "node", *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()[-2000:] + out.decode()[-2000:]
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "transport", ["websocket", "xhr-streaming", "xhr-polling", "eventsource", "raw"]
)
async def test_dnode_over_sockjs_client(
    queue: Queue, settings: Settings, sync_redis: redis.Redis, transport: str
) -> None:
    runner, base, _ = await start_server(queue, settings, OPTIONS)
    try:
        result = await run_peer(base, transport)
    finally:
        await runner.cleanup()
    assert result["echo"] == "hello"
    assert result["echoedTag"] == "T"
    assert result["relayed"] == ["ping", 2]  # a callback passed back and called through us
    assert result["concurrent"] == sorted(f"c{i}" for i in range(25))
    assert result["created"]["err"] is None
    assert result["refused"] == {"message": "job type 'nope' is not allowed"}
    assert result["stats"]["inactiveCount"] == 28
    # the echo job exists in Redis with the seed's data
    assert sync_redis.hget("q:job:1", "type") == "echo"
    assert sync_redis.hget("q:job:1", "data") == '{"title":"echo","data":"hello"}'
    assert json.loads(sync_redis.hget("q:job:2", "data")) == {  # type: ignore[arg-type]
        "title": "echo",
        "data": {"tag": "T", "nested": [1, None]},
    }
    created = result["created"]["id"]
    assert sync_redis.hget(f"q:job:{created}", "type") == "email"
    assert sync_redis.hget(f"q:job:{created}", "priority") == "-10"
    assert sync_redis.zcard("q:jobs:echo:inactive") == 27


async def test_dnode_authenticates_with_a_token(queue: Queue, settings: Settings) -> None:
    runner, base, _ = await start_server(queue, settings.replace(auth_token="tok"), OPTIONS)
    try:
        result = await run_peer(base, "websocket", token="tok")
    finally:
        await runner.cleanup()
    assert result["echo"] == "hello"
