"""The producer commands of the CLI: enqueue, stats, job."""

from __future__ import annotations

import orjson
import redis
from click.testing import CliRunner

from pykue.cli import main


def _run(redis_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--redis-url", redis_url, *args])
    return result.exit_code, result.output


def test_enqueue_stats_job(redis_url: str, sync_redis: redis.Redis) -> None:
    code, out = _run(redis_url, "enqueue", "email", '{"to": "a@example.com"}', "--priority", "high")
    assert (code, out) == (0, "1\n")
    code, out = _run(redis_url, "enqueue", "sms", "--delay", "5000", "--attempts", "3")
    assert (code, out) == (0, "2\n")
    assert sync_redis.hget("q:job:1", "priority") == "-10"
    assert sync_redis.hget("q:job:2", "state") == "delayed"
    assert sync_redis.hget("q:job:2", "max_attempts") == "3"

    code, out = _run(redis_url, "stats")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["type", "inactive", "active", "complete", "failed", "delayed"]
    assert lines[1].split() == ["email", "1", "0", "0", "0", "0"]
    assert lines[2].split() == ["sms", "0", "0", "0", "0", "1"]
    assert lines[3].split() == ["(all)", "1", "0", "0", "0", "1"]

    sync_redis.rpush("q:job:1:log", "a line")
    code, out = _run(redis_url, "job", "1")
    assert code == 0
    body, _, log = out.partition("\nlog: ")
    job = orjson.loads(body)
    assert (job["id"], job["type"], job["data"], job["priority"]) == (
        1,
        "email",
        {"to": "a@example.com"},
        -10,
    )
    assert log.strip() == "a line"


def test_bad_json_fails_clearly(redis_url: str, sync_redis: redis.Redis) -> None:
    code, out = _run(redis_url, "enqueue", "email", "{not json")
    assert code != 0
    assert "not JSON" in out
    assert sync_redis.dbsize() == 0


def test_bad_options_fail_clearly(redis_url: str, sync_redis: redis.Redis) -> None:
    code, out = _run(redis_url, "enqueue", "email", "{}", "--priority", "urgent")
    assert code == 1
    assert "Error: invalid priority 'urgent'" in out
    code, out = _run(redis_url, "enqueue", "email", "{}", "--delay", "-3")
    assert code == 1
    assert "invalid delay" in out
    code, out = _run(redis_url, "job", "42")
    assert code == 1
    assert 'job "42" doesnt exist' in out
    assert sync_redis.dbsize() == 0


def test_bad_redis_url(redis_url: str) -> None:
    code, out = _run("http://nowhere", "stats")
    assert code == 1
    assert "REDIS_URL" in out
