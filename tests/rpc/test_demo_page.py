"""Headless Chromium opens the demo page: it sees the echo answer and a job's live progress."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page

from pykue import Queue, Settings
from pykue.core.events import Event, publish
from tests.rpc.conftest import RpcServer, start_server


async def open_demo(browser: Browser, rpc: RpcServer, transport: str) -> Page:
    page = await browser.new_page()
    page.set_default_timeout(10_000)
    await page.goto(f"{rpc.base}/?transport={transport}")
    await page.wait_for_selector("#echo-button:not([disabled])")
    return page


@pytest.mark.parametrize("transport", ["websocket", "xhr-polling"])
async def test_demo_page_echo_and_live_progress(
    browser: Browser, rpc: RpcServer, queue: Queue, transport: str
) -> None:
    page = await open_demo(browser, rpc, transport)
    assert await page.text_content("#status") == f"connected ({transport})"

    await page.fill("#echo-input", "hello from chromium")
    await page.click("#echo-button")
    await page.wait_for_function(
        "document.getElementById('echo-result').textContent === 'hello from chromium'"
    )
    echo = await queue.get(1)
    assert echo.data == {"title": "echo", "data": "hello from chromium"}

    await page.fill("#job-type", "email")
    await page.fill("#job-data", '{"to": "someone"}')
    await page.click("#create-button")
    await page.wait_for_function("document.body.dataset.watching !== undefined")
    job_id = int(await page.text_content("#job-id") or "0")
    assert (await queue.get(job_id)).data == {"to": "someone"}

    await queue.progress(job_id, 40, 100)
    await page.wait_for_function("document.getElementById('job-progress').textContent === '40'")
    await queue.progress(job_id, 3, 4)
    await page.wait_for_function("document.getElementById('job-progress').textContent === '75'")
    await publish(queue.client, queue.keys.events, Event(job_id, "complete", ({"ok": True},)))
    await page.wait_for_function("document.getElementById('job-state').textContent === 'complete'")
    assert await page.get_attribute("#progress-bar", "style") == "width: 100%;"
    await page.close()


async def test_demo_page_authenticates_with_a_token(
    browser: Browser, queue: Queue, settings: Settings
) -> None:
    runner, base, _ = await start_server(queue, settings.replace(auth_token="open-sesame"))
    try:
        page = await browser.new_page()
        page.set_default_timeout(10_000)
        await page.goto(base + "/")
        await page.wait_for_selector("#auth:not([hidden])")
        assert await page.is_disabled("#echo-button")
        await page.fill("#token", "open-sesame")
        await page.click("#auth-button")
        await page.wait_for_selector("#echo-button:not([disabled])")
        assert await page.text_content("#auth-result") == "ok"
        await page.click("#echo-button")
        await page.wait_for_function(
            "document.getElementById('echo-result').textContent === 'hello'"
        )
        await page.close()
    finally:
        await runner.cleanup()
