"""Headless Chromium (the system's, driven by Playwright) against the dashboard on real Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, expect

from pykue import Queue, Settings
from pykue.web import create_app

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
# Every expectation polls until it holds; the deadline only bounds a hang, so it is generous
# (a loaded 2-core machine can take seconds to render).
expect.set_options(timeout=30_000)


@pytest.fixture
async def server(queue: Queue, settings: Settings) -> AsyncIterator[TestServer]:
    test_server = TestServer(create_app(queue, settings, live_interval=0.2), host="127.0.0.1")
    await test_server.start_server()
    yield test_server
    await test_server.close()


@pytest.fixture
async def page(browser: Browser, server: TestServer) -> AsyncIterator[Page]:
    context = await browser.new_context(
        base_url=str(server.make_url("/")), viewport={"width": 1440, "height": 900}
    )
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    await context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
