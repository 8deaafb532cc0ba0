"""Node Kue 0.11.6 creates jobs -> pykue reads them right; both show identically in kue.app."""

from __future__ import annotations

import asyncio
from typing import Any

from pykue import Queue
from pykue.core.backoff import Backoff
from tests.interop.peer import free_port, get_json, kue_peer
from tests.support.redis_server import RedisServer

NODE_JOBS: list[dict[str, Any]] = [
    {
        "type": "email",
        "data": {"title": "critical", "to": "x@example.com"},
        "priority": "critical",
        "attempts": 3,
        "backoff": {"type": "exponential", "delay": 400, "maxDelay": 5000},
        "ttl": 2000,
    },
    {"type": "email", "data": {"title": "low"}, "priority": "low"},
    {
        "type": "email",
        "data": {"title": "prio 3"},
        "priority": 3,
        "attempts": 2,
        "backoff": {"type": "fixed", "delay": 300},
    },
    {"type": "email", "data": {"title": "delayed"}, "delay": 60000, "priority": "high"},
    {
        "type": "email",
        "data": {"title": "custom"},
        "attempts": 2,
        "backoffFn": "function(attempts, delay){ return 250; }",
    },
    {"type": "sms", "data": {"n": [1, 2]}, "priority": "medium", "removeOnComplete": True},
    {"type": "email", "data": {"title": "true"}, "backoff": True, "priority": "critical"},
    {"type": "email", "data": {}, "priority": -20},
]


async def _api(port: int, path: str) -> Any:
    return await asyncio.to_thread(get_json, port, path)


async def test_pykue_reads_node_jobs(queue: Queue, redis_server: RedisServer) -> None:
    with kue_peer("produce", redis_server.port, jobs=NODE_JOBS) as peer:
        ids = peer.ready
    assert ids == list(range(1, 9))
    jobs = {job.id: job for job in await queue.get_many(ids)}

    critical = jobs[1]
    assert (critical.type, critical.data, critical.priority) == (
        "email",
        {"title": "critical", "to": "x@example.com"},
        -15,
    )
    assert (critical.max_attempts, critical.attempts_made, critical.ttl) == (3, 0, 2000)
    assert critical.backoff == Backoff("exponential", 400, 5000)
    assert critical.state == "inactive"
    assert critical.created_at is not None
    assert critical.promote_at == critical.created_at
    assert jobs[2].priority == 10
    assert jobs[3].backoff == Backoff("fixed", 300)
    assert jobs[3].max_attempts == 2
    delayed = jobs[4]
    assert (delayed.state, delayed.delay, delayed.priority) == ("delayed", 60000, -10)
    assert delayed.promote_at == (delayed.created_at or 0) + 60000
    assert jobs[5].backoff == Backoff("js")
    assert jobs[5].backoff.next_delay(1, jobs[5].delay) == 0
    assert jobs[6].remove_on_complete is True
    assert (jobs[6].type, jobs[6].priority, jobs[6].data) == ("sms", -5, {"n": [1, 2]})
    assert jobs[7].backoff == Backoff("true")
    assert jobs[8].priority == -20

    # Kue's pop order: lowest priority score first, FIFO (by zid) among equals.
    assert await queue.ids("inactive", "email") == [8, 1, 7, 5, 3, 2]
    assert await queue.ids("inactive") == [8, 1, 7, 6, 5, 3, 2]
    assert await queue.ids("delayed", "email") == [4]
    assert await queue.types() == ["email", "sms"]


async def test_kue_app_shows_pykue_jobs_like_its_own(
    queue: Queue, redis_server: RedisServer
) -> None:
    with kue_peer("produce", redis_server.port, jobs=NODE_JOBS) as peer:
        node_ids = peer.ready
    mine = [await _create_like(queue, spec) for spec in NODE_JOBS]
    app_port = free_port()
    with kue_peer("app", redis_server.port, appPort=app_port):
        for node_id, job_id in zip(node_ids, mine, strict=True):
            node_json = await _api(app_port, f"/job/{node_id}")
            py_json = await _api(app_port, f"/job/{job_id}")
            # what pykue says about a job is exactly what Kue's API says
            assert (await queue.get(job_id)).to_kue_json(id_as_str=True) == py_json
            assert (await queue.get(node_id)).to_kue_json(id_as_str=True) == node_json
            # and pykue's jobs look like Kue's own, field for field
            assert list(py_json) == list(node_json)
            assert _comparable(py_json) == _comparable(node_json)
        stats = await _api(app_port, "/stats")
        assert stats == await queue.stats()
        assert list(stats) == list(await queue.stats())
        for state in ("inactive", "delayed"):
            listed = await _api(app_port, f"/jobs/email/{state}/0..10/asc")
            mine_listed = await queue.range(state, "email", 0, 10)
            assert len(listed) == {"inactive": 11, "delayed": 2}[state]  # 0..10: 11 at most
            assert [j["id"] for j in listed] == [j.id for j in mine_listed]
            assert listed == [j.to_kue_json() for j in mine_listed]
        desc = await _api(app_port, "/jobs/0..3/desc")
        assert [j["id"] for j in desc] == [
            j.id for j in await queue.range(None, None, 0, 3, "desc")
        ]
        assert sorted(await _api(app_port, "/job/types")) == await queue.types()


async def _create_like(queue: Queue, spec: dict[str, Any]) -> int:
    options: dict[str, Any] = {
        "priority": spec.get("priority", 0),
        "attempts": spec.get("attempts", 1),
        "delay": spec.get("delay", 0),
        "ttl": spec.get("ttl", 0),
        "remove_on_complete": spec.get("removeOnComplete", False),
        "backoff": spec.get("backoff", True if "backoffFn" in spec else None),
    }
    return (await queue.create(spec["type"], spec.get("data"), **options)).id


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    skip = {"id", "created_at", "promote_at", "updated_at"}
    return {k: v for k, v in body.items() if k not in skip}
