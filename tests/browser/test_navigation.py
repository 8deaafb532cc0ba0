"""Dashboard lists in headless Chromium: paging, type filter, search, priority, promote, auth."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, expect

from pykue import Queue, Settings
from pykue.web import create_app

TIMEOUT = 10_000


async def test_paging_filter_and_search(page: Page, queue: Queue) -> None:
    await queue.create_many(
        [{"type": "email" if i % 2 else "video", "data": {"title": f"item {i}"}} for i in range(45)]
    )
    await page.goto("/")
    rows = page.locator("#jobs tbody tr")
    await expect(rows).to_have_count(20, timeout=TIMEOUT)
    await expect(page.locator("#page-info")).to_have_text("1\u201320 of 45")
    await page.locator("#next").click()
    await page.locator("#next").click()
    await expect(rows).to_have_count(5)
    await expect(page.locator("#next")).to_be_disabled()
    await page.locator("#sort").select_option("desc")
    await expect(rows.first).to_have_attribute("data-id", "45")
    await page.locator("#type-filter").click()
    await page.locator("#type-filter").select_option("email")
    await expect(page.locator("#page-info")).to_have_text("1\u201320 of 22")
    await page.locator("#search").fill("item 17")
    await expect(rows).to_have_count(1, timeout=TIMEOUT)
    await expect(rows.first).to_have_attribute("data-id", "18")
    await page.locator("#search").fill("33")
    await expect(rows.first).to_have_attribute("data-id", "33", timeout=TIMEOUT)
    await page.locator("#search").fill("")
    await expect(rows).to_have_count(20, timeout=TIMEOUT)


async def test_priority_and_promote(page: Page, queue: Queue) -> None:
    later = await queue.create("report", {"title": "tomorrow"}, delay=86_400_000)
    await page.goto("/delayed")
    await page.locator(f'#jobs tbody tr[data-id="{later.id}"]').click()
    await page.locator('#detail select[aria-label="Priority"]').select_option("-10")
    await expect(page.locator("#toast")).to_have_text("updated priority", timeout=TIMEOUT)
    assert (await queue.get(later.id)).priority == -10
    await page.locator('#detail button[data-action="promote"]').click()
    await expect(page.locator("#detail .badge")).to_have_text("Queued", timeout=TIMEOUT)
    assert (await queue.get(later.id)).state == "inactive"
    await expect(page.locator("#count-delayed")).to_have_text("0", timeout=TIMEOUT)
    await page.locator(".state[data-state=inactive]").click()
    await expect(page).to_have_url(re.compile(r".*/inactive$"))
    await expect(page.locator("#jobs tbody tr")).to_have_count(1, timeout=TIMEOUT)
    await page.go_back()
    await expect(page.locator("#list-title")).to_have_text("Delayed")


@pytest.fixture
async def locked_server(queue: Queue, settings: Settings) -> AsyncIterator[TestServer]:
    secured = settings.replace(auth_token="tok-123")
    server = TestServer(create_app(queue, secured, live_interval=0.2), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def test_token_login_covers_api_and_live_channel(
    browser: Browser, locked_server: TestServer, queue: Queue
) -> None:
    context = await browser.new_context(base_url=str(locked_server.make_url("/")))
    tab = await context.new_page()
    try:
        denied = await tab.goto("/")
        assert denied is not None
        assert denied.status == 401
        await tab.goto("/?token=tok-123")
        await expect(tab.locator("#live-status")).to_have_attribute(
            "data-state", "open", timeout=TIMEOUT
        )
        await queue.create("email", {"title": "after login"})
        await expect(tab.locator("#count-inactive")).to_have_text("1", timeout=TIMEOUT)
        await expect(tab.locator("#jobs tbody tr")).to_have_count(1, timeout=TIMEOUT)
    finally:
        await context.close()
