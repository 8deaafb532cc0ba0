"""Routes beyond Kue, used by the dashboard and by operators: paged lists, bounded search,
history, retry/promote one job, bulk retry/remove of a type's failed (or complete) jobs."""

from __future__ import annotations

from typing import Any, TypedDict

from aiohttp import web

from pykue.core import admin, codec
from pykue.core.job import Job
from pykue.core.queue import Queue
from pykue.core.states import JobState
from pykue.errors import InvalidOption, JobNotFound
from pykue.web.kue_api import job_id
from pykue.web.responses import json, message
from pykue.web.state import queue_of

MAX_PAGE = 200
HISTORY_MINUTES = 60


class History(TypedDict):
    minutes: list[int]
    complete: list[int]
    failed: list[int]


def _int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidOption(f"invalid {name} {raw[:20]!r}: expected an integer") from None
    if not low <= value <= high:
        raise InvalidOption(f"invalid {name} {value}: expected {low}..{high}")
    return value


def _filters(request: web.Request) -> tuple[str | None, str | None]:
    state = request.query.get("state") or None
    job_type = request.query.get("type") or None
    if state is not None:
        JobState.parse(state)
    if job_type is not None and state is None:
        raise InvalidOption("a type filter needs a state")
    return state, job_type


async def page_ids(
    queue: Queue, state: str | None, job_type: str | None, offset: int, limit: int, desc: bool
) -> tuple[int, list[int]]:
    """Total and one page of ids in queue order (score, then id), or its reverse."""
    total = await queue.count(state, job_type)
    if offset >= total:
        return total, []
    if not desc:
        return total, await queue.ids(state, job_type, offset, offset + limit - 1)
    stop = total - 1 - offset
    ids = await queue.ids(state, job_type, max(0, stop - limit + 1), stop)
    return total, ids[::-1]


async def list_jobs(request: web.Request) -> web.Response:
    """``GET /api/jobs?state=&type=&offset=&limit=&sort=asc|desc``: one page, counted."""
    queue = queue_of(request)
    state, job_type = _filters(request)
    offset = _int_param(request, "offset", 0, 0, 10**9)
    limit = _int_param(request, "limit", 20, 1, MAX_PAGE)
    desc = request.query.get("sort", "asc") == "desc"
    total, ids = await page_ids(queue, state, job_type, offset, limit, desc)
    found = await queue.get_many(ids)
    return json({"total": total, "offset": offset, "limit": limit, "jobs": _kue(found)})


def _kue(jobs: list[Job]) -> list[dict[str, Any]]:
    return [j.to_kue_json() for j in jobs]


async def search(request: web.Request) -> web.Response:
    """``GET /api/search?q=&state=&type=&before=``: an id, or a bounded scan (newest first)."""
    queue = queue_of(request)
    text = request.query.get("q", "").strip()
    state, job_type = request.query.get("state") or None, request.query.get("type") or None
    if not text:
        raise InvalidOption("search text is empty")
    if text.isascii() and text.isdigit() and len(text) < 16:
        try:
            exact = [await queue.get(int(text))]
        except (JobNotFound, InvalidOption):
            exact = []
        if exact:
            return json({"jobs": _kue(exact), "scanned": 1, "next": None})
    before = _int_param(request, "before", 0, 0, 2**53) or None
    found = await admin.search(queue, text, state=state, job_type=job_type, before=before)
    jobs = await queue.get_many(found.ids)
    return json({"jobs": _kue(jobs), "scanned": found.scanned, "next": found.next_before})


async def history(queue: Queue) -> History:
    """Completed and failed jobs per minute over the last hour, oldest first."""
    current = codec.now_ms() // 60_000
    minutes = list(range(current - HISTORY_MINUTES + 1, current + 1))
    async with queue.client.pipeline(transaction=False) as pipe:
        for kind in ("complete", "failed"):
            pipe.hmget(queue.keys.history(kind), [str(m) for m in minutes])
        complete, failed = await pipe.execute()
    return History(minutes=minutes, complete=_counts(complete), failed=_counts(failed))


def _counts(values: list[str | None]) -> list[int]:
    return [max(0, codec.to_int(v, 0) or 0) for v in values]


async def get_history(request: web.Request) -> web.Response:
    return json(await history(queue_of(request)))


async def retry(request: web.Request) -> web.Response:
    number = job_id(request)
    await admin.retry(queue_of(request), number)
    return message(f"job {number} queued again")


async def promote(request: web.Request) -> web.Response:
    number = job_id(request)
    await admin.promote(queue_of(request), number)
    return message(f"job {number} promoted")


async def retry_all(request: web.Request) -> web.Response:
    job_type = request.match_info["type"]
    count = await admin.retry_all(queue_of(request), job_type)
    return message(f"{count} failed {job_type} jobs queued again", count=count)


async def remove_all(request: web.Request) -> web.Response:
    job_type = request.match_info["type"]
    state = JobState.parse(request.match_info["state"])
    count = await admin.remove_all(queue_of(request), job_type, state)
    return message(f"{count} {state.value} {job_type} jobs removed", count=count)


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/jobs", list_jobs)
    r.add_get("/api/search", search)
    r.add_get("/api/history", get_history)
    r.add_post("/job/{id}/retry", retry)
    r.add_post("/job/{id}/promote", promote)
    r.add_post("/jobs/{type}/failed/retry", retry_all)
    r.add_delete("/jobs/{type}/{state}", remove_all)
