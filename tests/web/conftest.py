"""Fixtures of the web suite: the app on a real Redis, reached by a real HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from pykue import Queue, Settings
from pykue.web import create_app


async def make_client(queue: Queue, settings: Settings) -> TestClient:
    client = TestClient(TestServer(create_app(queue, settings, live_interval=0.1)))
    await client.start_server()
    return client


@pytest.fixture
async def client(queue: Queue, settings: Settings) -> AsyncIterator[TestClient]:
    http = await make_client(queue, settings)
    yield http
    await http.close()
