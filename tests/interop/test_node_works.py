"""pykue creates jobs -> a Node Kue 0.11.6 worker processes them; events flow both ways."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import redis

from pykue import Event, Job, Queue
from tests.interop.peer import free_port, get_json, kue_peer
from tests.support.redis_server import RedisServer


def python_delay(made: int, delay: int) -> int:
    """A custom backoff for pykue workers (Node cannot run it)."""
    return 10 * made


async def _wait_states(queue: Queue, wanted: dict[int, str], within: float = 15.0) -> list[Job]:
    deadline = time.monotonic() + within
    while True:
        jobs = await queue.get_many(list(wanted))
        if {j.id: j.state for j in jobs} == wanted:
            return jobs
        if time.monotonic() > deadline:
            raise AssertionError(f"states {[(j.id, j.state) for j in jobs]}, wanted {wanted}")
        await asyncio.sleep(0.05)


async def _events_until(events: Any, stop: set[tuple[int, str]], within: float) -> list[Event]:
    seen: list[Event] = []

    async def run() -> None:
        async for event in events:
            seen.append(event)
            stop.discard((event.id, event.event))
            if not stop:
                return

    await asyncio.wait_for(run(), within)
    return seen


async def test_node_worker_completes_and_fails_pykue_jobs(
    queue: Queue, redis_server: RedisServer, sync_redis: redis.Redis
) -> None:
    async with queue.subscribe() as events:
        ok = await queue.create("interop", {"title": "ok"}, priority="high")
        fixed = await queue.create(
            "interop",
            {"title": "fails", "fail": True},
            attempts=2,
            backoff={"type": "fixed", "delay": 100},
        )
        exp = await queue.create(
            "interop",
            {"title": "fails exp", "fail": True},
            attempts=3,
            backoff={"type": "exponential", "delay": 100, "maxDelay": 1000},
        )
        removed = await queue.create("interop", {"title": "gone"}, remove_on_complete=True)
        python_backoff = await queue.create(
            "interop", {"title": "py backoff", "fail": True}, attempts=2, backoff=python_delay
        )
        with kue_peer("worker", redis_server.port, types=["interop"]):
            done = await _wait_states(
                queue,
                {ok.id: "complete", fixed.id: "failed", exp.id: "failed",
                 python_backoff.id: "failed"},
            )  # fmt: skip
            seen = await _events_until(
                events,
                {(ok.id, "complete"), (fixed.id, "failed"), (exp.id, "failed"),
                 (removed.id, "remove")},
                15,
            )  # fmt: skip
    completed, failed_fixed, failed_exp, failed_py = done
    # a Python backoff function is "true" for Node: it retried with the job's (absent) delay
    assert failed_py.attempts_made == 2
    assert failed_py.fields["backoff"] == "true"
    assert completed.result == {"echo": {"title": "ok"}, "by": "node"}
    assert (completed.progress, completed.attempts_made, completed.max_attempts) == (100, 1, 1)
    assert completed.duration is not None
    assert re.fullmatch(r"kue:[^:]+:\d+:interop:1", completed.worker_id or "")
    assert completed.to_kue_json()["progress"] == "100"
    assert await queue.log_lines(ok.id) == ["node worked on ok"]

    assert failed_fixed.attempts_made == 2
    assert failed_fixed.error is not None
    assert failed_fixed.error.startswith(f"Error: boom {fixed.id}")
    assert failed_fixed.delay == 100
    assert failed_exp.attempts_made == 3
    assert failed_exp.delay == 150  # Kue's exponential: 50, then 150
    assert failed_exp.backoff is not None
    assert [failed_exp.backoff.next_delay(n, None) for n in (1, 2)] == [50, 150]
    assert await queue.log_lines(fixed.id) == [
        "node worked on fails",
        f"Error: boom {fixed.id}",
        "node worked on fails",
        f"Error: boom {fixed.id}",
    ]
    assert sync_redis.exists(f"q:job:{removed.id}") == 0
    assert int(sync_redis.get("q:stats:work-time") or -1) >= 0
    assert await queue.ids("complete", "interop") == [ok.id]
    stats = await queue.stats()
    assert (stats["completeCount"], stats["failedCount"], stats["inactiveCount"]) == (1, 3, 0)

    app_port = free_port()
    with kue_peer("app", redis_server.port, appPort=app_port):
        for job in done:
            shown = await asyncio.to_thread(get_json, app_port, f"/job/{job.id}")
            assert shown == (await queue.get(job.id)).to_kue_json(id_as_str=True)
        listed = await asyncio.to_thread(get_json, app_port, "/jobs/interop/failed/0..10/asc")
        assert [j["id"] for j in listed] == [fixed.id, exp.id, python_backoff.id]
        assert listed[0]["attempts"] == {"made": 2, "remaining": 0, "max": 2}
        assert await asyncio.to_thread(get_json, app_port, "/stats") == await queue.stats()

    by_job = {(e.id, e.event): e.args for e in seen}
    assert by_job[(ok.id, "start")] == ("interop", None)
    assert by_job[(ok.id, "progress")] == (50, {"half": True})
    assert by_job[(ok.id, "complete")] == ({"echo": {"title": "ok"}, "by": "node"}, None)
    assert by_job[(fixed.id, "failed attempt")] == (f"boom {fixed.id}", 1)
    assert by_job[(fixed.id, "failed")] == (f"boom {fixed.id}", None)
    assert by_job[(fixed.id, "promotion")] == ()
    assert by_job[(removed.id, "remove")] == ("interop",)


async def test_node_understands_pykue_events(queue: Queue, redis_server: RedisServer) -> None:
    with kue_peer("events", redis_server.port) as peer:
        job = await queue.create("email", {"x": 1})
        await queue.progress(job.id, 3, 4, {"step": "b"})
        await queue.set_state(job.id, "failed")
        await queue.restart(job.id)
        await queue.remove(job.id)
        lines = peer.collect(4)
    assert lines == [
        {"event": "enqueue", "args": [job.id, "email"]},
        {"event": "progress", "args": [job.id, 75, {"step": "b"}]},
        {"event": "enqueue", "args": [job.id, "email"]},
        {"event": "remove", "args": [job.id, "email"]},
    ]


async def test_pykue_understands_node_events(queue: Queue, redis_server: RedisServer) -> None:
    published = [
        [7, "start", "email", None],
        ["7", "progress", 40, {"k": "v"}],
        [7, "failed attempt", "oops", 1],
        [7, "complete", {"r": 1}, None],
    ]
    async with queue.subscribe(job_id=7) as events:
        with kue_peer("events", redis_server.port, publish=published):
            seen = await _events_until(events, {(7, "complete")}, 10)
    assert seen == [
        Event(7, "start", ("email", None)),
        Event(7, "progress", (40, {"k": "v"})),
        Event(7, "failed attempt", ("oops", 1)),
        Event(7, "complete", ({"r": 1}, None)),
    ]


async def test_node_worker_takes_pykue_jobs_in_kue_order(
    queue: Queue, redis_server: RedisServer
) -> None:
    priorities = ["low", "normal", "critical", "high", "normal", 3, "critical"]
    ids = [
        (await queue.create("ordered", {"i": i}, priority=p)).id for i, p in enumerate(priorities)
    ]
    assert await queue.ids("inactive", "ordered") == [3, 7, 4, 2, 5, 6, 1]
    async with queue.subscribe(names=["start"]) as events:
        with kue_peer("worker", redis_server.port, types=["ordered"]):
            seen = await _events_until(events, {(i, "start") for i in ids}, 15)
    assert [e.id for e in seen] == [3, 7, 4, 2, 5, 6, 1]
