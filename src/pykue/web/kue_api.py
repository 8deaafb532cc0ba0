"""Kue 0.11's JSON API (``kue.app``): same paths, methods, parameters and JSON shapes.

Where Kue misbehaves, pykue answers a 4xx JSON error and changes nothing (see the README's table):
unknown states and priorities are refused, a state change is applied once, an unknown job is a
404 (with Kue's message), a bad job in ``POST /job`` creates none of the batch.
"""

from __future__ import annotations

from typing import Any, TypedDict

import orjson
from aiohttp import web

from pykue.core import admin
from pykue.core.queue import Queue
from pykue.core.spec import JobSpec
from pykue.core.states import JobState, Priority
from pykue.errors import InvalidOption, ValidationError
from pykue.web.responses import error, json, message
from pykue.web.state import queue_of, settings_of

MAX_RANGE = 1000
MAX_BATCH = 10_000
SEARCH_LIMIT = 100


class KueStats(TypedDict):
    inactiveCount: int
    completeCount: int
    activeCount: int
    failedCount: int
    delayedCount: int
    workTime: int | None


async def kue_stats(queue: Queue) -> KueStats:
    """``/stats`` in Kue's key order."""
    raw = await queue.stats()
    return KueStats(
        inactiveCount=raw["inactiveCount"] or 0,
        completeCount=raw["completeCount"] or 0,
        activeCount=raw["activeCount"] or 0,
        failedCount=raw["failedCount"] or 0,
        delayedCount=raw["delayedCount"] or 0,
        workTime=raw["workTime"],
    )


def job_id(request: web.Request) -> int:
    """The ``:id`` of the path as a positive integer (``InvalidOption`` otherwise)."""
    raw = request.match_info["id"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 16 or int(raw) < 1:
        raise InvalidOption(f"invalid job id {raw!r}")
    return int(raw)


async def stats(request: web.Request) -> web.Response:
    return json(await kue_stats(queue_of(request)))


async def types(request: web.Request) -> web.Response:
    return json(await queue_of(request).types())


async def search(request: web.Request) -> web.Response:
    """Kue answers from its reds index; pykue scans the newest jobs (see ``admin.search``)."""
    text = request.query.get("q", "").strip()
    if not text:
        return json([])
    found = await admin.search(queue_of(request), text, limit=SEARCH_LIMIT)
    return json([str(i) for i in found.ids])


def parse_range(text: str) -> tuple[int, int]:
    start, sep, stop = text.partition("..")
    try:
        if not sep:
            raise ValueError
        return int(start), int(stop)
    except ValueError:
        raise InvalidOption(f"invalid range {text[:40]!r}: expected <from>..<to>") from None


async def _check_size(queue: Queue, state: str | None, job_type: str | None, span: str) -> None:
    start, stop = parse_range(span)
    if start < 0 or stop < 0:
        total = await queue.count(state, job_type)
        start, stop = (start + total if start < 0 else start), (stop + total if stop < 0 else stop)
    if stop - start + 1 > MAX_RANGE:
        raise InvalidOption(f"range {span!r} is too large: at most {MAX_RANGE} jobs per request")


def _split(tail: str) -> tuple[str | None, str | None, str, str]:
    """``/jobs/...`` segments as (type, state, range, order)."""
    parts = [p for p in tail.split("/") if p]
    at = next((i for i, p in enumerate(parts) if ".." in p), None)
    if at is None or at > 2 or len(parts) - at > 2:
        raise InvalidOption(f"invalid jobs path /jobs/{tail[:60]}")
    prefix, after = parts[:at], parts[at + 1 :]
    order = after[0] if after else "asc"
    state = prefix[-1] if prefix else None
    job_type = prefix[0] if len(prefix) == 2 else None
    return job_type, state, parts[at], order


async def jobs(request: web.Request) -> web.Response:
    """``/jobs/[<type>/][<state>/]<from>..<to>[/<order>]`` and ``/jobs/<type>/<state>/stats``."""
    queue, tail = queue_of(request), request.match_info["tail"]
    parts = tail.strip("/").split("/")
    if len(parts) == 3 and parts[2] == "stats":
        return json({"count": await queue.count(parts[1], parts[0])})
    job_type, state, span, order = _split(tail)
    if state is not None:
        JobState.parse(state)
    await _check_size(queue, state, job_type, span)
    start, stop = parse_range(span)
    found = await queue.range(state, job_type, start, stop, "desc" if order == "desc" else "asc")
    return json([j.to_kue_json() for j in found])


async def get_job(request: web.Request) -> web.Response:
    found = await queue_of(request).get(job_id(request))
    return json(found.to_kue_json(id_as_str=True))


async def get_log(request: web.Request) -> web.Response:
    return json(await queue_of(request).log_lines(job_id(request)))


async def put_state(request: web.Request) -> web.Response:
    state = JobState.parse(request.match_info["state"])
    await queue_of(request).set_state(job_id(request), state)
    return message("updated state")


async def put_priority(request: web.Request) -> web.Response:
    priority = Priority.parse(request.match_info["priority"])
    await queue_of(request).set_priority(job_id(request), priority)
    return message("updated priority")


async def delete_job(request: web.Request) -> web.Response:
    number = job_id(request)
    await queue_of(request).remove(number)
    return message(f"job {number} removed")


async def restart(request: web.Request) -> web.Response:
    number = job_id(request)
    await queue_of(request).restart(number)
    return message(f"job {number} inactive")


async def _body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    try:
        return await request.json(loads=orjson.loads)
    except ValueError:
        raise InvalidOption("request body is not valid JSON") from None


def _validate(items: list[Any], max_payload: int) -> tuple[list[JobSpec], list[dict[str, str]]]:
    specs: list[JobSpec] = []
    errors: list[dict[str, str]] = []
    for item in items:
        try:
            specs.append(JobSpec.from_kue(item, max_payload=max_payload))
            errors.append({})
        except ValidationError as exc:
            errors.append({"error": str(exc)})
    return specs, errors


async def create(request: web.Request) -> web.StreamResponse:
    """``POST /job``: one spec or an array; all are checked before any is saved."""
    body = await _body(request)
    if body is None or body == {} or body == []:
        return web.Response(status=204)
    items = body if isinstance(body, list) else [body]
    if len(items) > MAX_BATCH:
        return error(f"too many jobs in one request: at most {MAX_BATCH}", 413)
    specs, errors = _validate(items, settings_of(request).max_payload_bytes)
    if len(specs) < len(items):
        if not isinstance(body, list):
            return json(errors[0], 400)
        skipped = "not created: another job of this request is invalid"
        return json([e or {"error": skipped} for e in errors], 400)
    created = await queue_of(request).create_many(specs)
    results = [{"message": "job created", "id": j.id} for j in created]
    return json(results if isinstance(body, list) else results[0])


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/stats", stats)
    r.add_get("/job/types", types)
    r.add_get("/job/search", search)
    r.add_get("/jobs/{tail:.+}", jobs)
    r.add_get("/job/{id}", get_job)
    r.add_get("/job/{id}/log", get_log)
    r.add_put("/job/{id}/state/{state}", put_state)
    r.add_put("/job/{id}/priority/{priority}", put_priority)
    r.add_delete("/job/{id}", delete_job)
    r.add_post("/job", create)
    r.add_get("/inactive/{id}", restart)
