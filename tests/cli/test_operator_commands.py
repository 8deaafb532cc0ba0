"""The operator commands against a real Redis: enqueue (one job or a JSON-lines file), stats,
job, retry-failed, cleanup."""

from __future__ import annotations

import asyncio

import pytest
import redis
from click.testing import CliRunner, Result

from pykue import Queue
from pykue.cli import main, parse_duration


def pykue(redis_url: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--redis-url", redis_url, *args], input=stdin)


async def apykue(redis_url: str, *args: str, stdin: str | None = None) -> Result:
    """``pykue`` from an async test (the command runs its own event loop, in a thread)."""
    return await asyncio.to_thread(pykue, redis_url, *args, stdin=stdin)


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("500ms", 500),
        ("30s", 30_000),
        ("15m", 900_000),
        ("2h", 7_200_000),
        ("7d", 604_800_000),
        ("10", 10_000),
        ("1.5h", 5_400_000),
    ],
)
def test_durations(text: str, ms: int) -> None:
    assert parse_duration(text) == ms


def test_a_bad_duration_is_refused(redis_url: str) -> None:
    result = pykue(redis_url, "cleanup", "--older-than", "soon")
    assert result.exit_code == 2
    assert "'soon' is not a duration" in result.output


async def test_enqueue_one_job(redis_url: str, queue: Queue) -> None:
    result = await apykue(redis_url, "enqueue", "email", '{"to": "a@b.c"}', "--priority", "high")
    assert result.exit_code == 0, result.output
    job = await queue.get(int(result.output))
    assert (job.type, job.data, job.priority) == ("email", {"to": "a@b.c"}, -10)


def test_enqueue_refuses_bad_json(redis_url: str, sync_redis: redis.Redis) -> None:
    result = pykue(redis_url, "enqueue", "email", "{nope")
    assert result.exit_code == 2
    assert "not JSON" in result.output
    assert sync_redis.dbsize() == 0


async def test_enqueue_a_json_lines_file(redis_url: str, queue: Queue) -> None:
    lines = "\n".join(
        [
            '{"type": "email", "data": {"n": 1}, "options": {"priority": "high"}}',
            '{"data": {"n": 2}}',
            "",
            '{"type": "report", "data": {"n": 3}, "options": {"delay": 60000}}',
        ]
    )
    result = await apykue(redis_url, "enqueue", "fallback", "--file", "-", stdin=lines)
    assert result.exit_code == 0, result.output
    assert "3 jobs enqueued" in result.output
    assert [(j.type, j.data, j.state) for j in await queue.range(order="asc")] == [
        ("email", {"n": 1}, "inactive"),
        ("fallback", {"n": 2}, "inactive"),
        ("report", {"n": 3}, "delayed"),
    ]


def test_a_bad_line_enqueues_nothing(redis_url: str, sync_redis: redis.Redis) -> None:
    lines = '{"type": "email"}\n{"type": "email", "options": {"priority": "urgent"}}\n'
    result = pykue(redis_url, "enqueue", "--file", "-", stdin=lines)
    assert result.exit_code == 1
    assert "line 2: invalid priority 'urgent'" in result.output
    assert sync_redis.dbsize() == 0


async def test_stats_and_job(redis_url: str, queue: Queue) -> None:
    job = await queue.create("email", {"title": "hi"})
    await queue.log(job.id, "hello %s", "log")
    stats = await apykue(redis_url, "stats")
    assert stats.exit_code == 0
    assert stats.output.splitlines()[1].split() == ["email", "1", "0", "0", "0", "0"]
    shown = await apykue(redis_url, "job", str(job.id))
    assert shown.exit_code == 0
    assert '"title": "hi"' in shown.output
    assert "log: hello log" in shown.output
    missing = await apykue(redis_url, "job", "999")
    assert missing.exit_code == 1
    assert 'job "999" doesnt exist' in missing.output


async def test_retry_failed(redis_url: str, queue: Queue) -> None:
    jobs = [await queue.create(t) for t in ("email", "email", "report")]
    for job in jobs:
        await queue.set_state(job.id, "failed")
    result = await apykue(redis_url, "retry-failed", "--type", "email")
    assert result.output.strip() == "2 failed jobs queued again"
    assert await queue.count("inactive") == 2
    result = await apykue(redis_url, "retry-failed")
    assert result.output.strip() == "1 failed jobs queued again"
    assert await queue.count("failed") == 0


async def test_cleanup_removes_only_old_jobs_of_the_state(
    redis_url: str, queue: Queue, sync_redis: redis.Redis
) -> None:
    old, new, failed = [await queue.create("email") for _ in range(3)]
    for job in (old, new):
        await queue.set_state(job.id, "complete")
    await queue.set_state(failed.id, "failed")
    sync_redis.hset(f"q:job:{old.id}", "updated_at", "1000")
    sync_redis.hset(f"q:job:{failed.id}", "updated_at", "1000")
    dry = await apykue(redis_url, "cleanup", "--older-than", "1h", "--dry-run")
    assert dry.output.strip() == "1 complete jobs would be removed"
    assert await queue.count("complete") == 2
    done = await apykue(redis_url, "cleanup", "--state", "complete", "--older-than", "1h")
    assert done.output.strip() == "1 complete jobs removed"
    assert await queue.ids("complete") == [new.id]
    assert not sync_redis.exists(f"q:job:{old.id}")
    assert await queue.ids("failed") == [failed.id]
