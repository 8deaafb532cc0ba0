"""The dashboard in headless Chromium: title, live counts, a failed job's detail, actions."""

from __future__ import annotations

from pathlib import Path

import redis
from playwright.async_api import Page, expect

from pykue import Queue
from pykue.core import codec

TIMEOUT = 10_000


async def finish(
    queue: Queue, job_id: int, sync_redis: redis.Redis, state: str = "complete"
) -> None:
    """What a worker does to a job, done through the Queue API (no worker process needed)."""
    await queue.set_state(job_id, "active")
    await queue.progress(job_id, 100)
    await queue.set_state(job_id, state)
    kind = "complete" if state == "complete" else "failed"
    sync_redis.hincrby(f"q:pykue:history:{kind}", str(codec.now_ms() // 60_000), 1)


async def fail(queue: Queue, job_id: int, sync_redis: redis.Redis, error: str) -> None:
    await queue.log(job_id, "starting %s", "work")
    await queue.log(job_id, error.splitlines()[0])
    sync_redis.hset(f"q:job:{job_id}", mapping={"error": error, "failed_at": codec.now_ms()})
    await finish(queue, job_id, sync_redis, "failed")


async def test_page_has_title_and_heading(page: Page) -> None:
    await page.goto("/")
    await expect(page).to_have_title("Queued · Under The Rules", timeout=TIMEOUT)
    await expect(page.locator("h1")).to_have_text("Under The Rules")
    await expect(page.locator("#live-status")).to_have_attribute("data-state", "open")


async def test_counts_change_live(page: Page, queue: Queue, sync_redis: redis.Redis) -> None:
    jobs = [await queue.create("email", {"title": f"mail {i}"}) for i in range(3)]
    await page.goto("/")
    await expect(page.locator("#count-inactive")).to_have_text("3", timeout=TIMEOUT)
    await expect(page.locator("#jobs tbody tr")).to_have_count(3)
    for job in jobs[:2]:
        await finish(queue, job.id, sync_redis)
    await expect(page.locator("#count-complete")).to_have_text("2", timeout=TIMEOUT)
    await expect(page.locator("#count-inactive")).to_have_text("1", timeout=TIMEOUT)
    await expect(page.locator("#jobs tbody tr")).to_have_count(1, timeout=TIMEOUT)
    await expect(page.locator("#sum-complete")).to_have_text("2", timeout=TIMEOUT)


async def test_failed_job_error_log_retry_remove(
    page: Page, queue: Queue, sync_redis: redis.Redis
) -> None:
    first = await queue.create("video", {"title": "encode cat.mp4"}, attempts=2)
    second = await queue.create("video", {"title": "encode dog.mp4"})
    await fail(queue, first.id, sync_redis, "Error: codec missing\n    at encode (video.py:12)")
    await fail(queue, second.id, sync_redis, "Error: disk full")
    await page.goto("/failed")
    await expect(page.locator("#count-failed")).to_have_text("2", timeout=TIMEOUT)
    await page.locator(f'#jobs tbody tr[data-id="{first.id}"]').click()
    detail = page.locator("#detail")
    await expect(detail.locator("pre.error")).to_contain_text("at encode (video.py:12)")
    await expect(detail.locator("ol.log li")).to_have_text(
        ["starting work", "Error: codec missing"]
    )

    await detail.locator('button[data-action="retry"]').click()
    await expect(detail.locator(".badge")).to_have_text("Queued", timeout=TIMEOUT)
    assert (await queue.get(first.id)).state == "inactive"
    await expect(page.locator("#count-failed")).to_have_text("1", timeout=TIMEOUT)
    await expect(page.locator("#count-inactive")).to_have_text("1", timeout=TIMEOUT)

    await page.locator(
        f'#jobs tbody tr[data-id="{second.id}"] button[data-action="remove"]'
    ).click()
    await expect(page.locator("#jobs tbody tr")).to_have_count(0, timeout=TIMEOUT)
    await expect(page.locator("#count-failed")).to_have_text("0", timeout=TIMEOUT)
    assert sync_redis.exists(f"q:job:{second.id}") == 0


async def test_detail_follows_progress_live(page: Page, queue: Queue) -> None:
    job = await queue.create("report", {"title": "quarterly"})
    await queue.set_state(job.id, "active")
    await page.goto("/active")
    await page.locator(f'#jobs tbody tr[data-id="{job.id}"]').click()
    await expect(page.locator("#detail .pct")).to_have_text("0%", timeout=TIMEOUT)
    await queue.progress(job.id, 3, 4, {"step": "charts"})
    await expect(page.locator("#detail .pct")).to_have_text("75%", timeout=TIMEOUT)
    await expect(page.locator("#detail")).to_contain_text('"step": "charts"')
    await queue.log(job.id, "rendering %s", "charts")  # no event: the open detail re-reads
    await expect(page.locator("#detail ol.log li")).to_have_text(["rendering charts"])


async def test_screenshot(
    page: Page, queue: Queue, sync_redis: redis.Redis, output_dir: Path
) -> None:
    """A realistic dashboard, written to test-output/dashboard.png."""
    now_minute = codec.now_ms() // 60_000
    for minute in range(60):
        sync_redis.hset(
            "q:pykue:history:complete", str(now_minute - minute), 20 + (minute * 7) % 30
        )
        if minute % 4 == 0:
            sync_redis.hset("q:pykue:history:failed", str(now_minute - minute), minute % 9)
    kinds = [
        ("email", {"title": "welcome mail", "to": "ann@example.com"}),
        ("video", {"title": "encode"}),
    ]
    created = await queue.create_many(
        [
            {"type": t, "data": {**d, "title": f"{d['title']} {i}"}, "options": {"priority": p}}
            for i in range(12)
            for (t, d), p in [(kinds[i % 2], ["normal", "high", "low"][i % 3])]
        ]
    )
    await finish(queue, created[0].id, sync_redis)
    await fail(queue, created[1].id, sync_redis, "Error: smtp timeout\n    at send (mail.py:40)")
    await queue.set_state(created[2].id, "active")
    await queue.progress(created[2].id, 40)
    await page.goto("/")
    await expect(page.locator("#count-inactive")).to_have_text("9", timeout=TIMEOUT)
    await page.locator(f'#jobs tbody tr[data-id="{created[3].id}"]').click()
    await expect(page.locator("#detail")).to_be_visible()
    await expect(page.locator("#sum-failed")).not_to_have_text("0", timeout=TIMEOUT)
    path = output_dir / "dashboard.png"
    await page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
