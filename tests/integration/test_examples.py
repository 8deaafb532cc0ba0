"""The README's examples are real files, run here as a user would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import redis

from pykue.settings import ENVIRONMENT, markdown_table

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")


def _run_example(name: str, redis_url: str) -> str:
    env = {**os.environ, "REDIS_URL": redis_url}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout


def test_quickstart_runs(redis_url: str, sync_redis: redis.Redis) -> None:
    out = _run_example("quickstart.py", redis_url)
    assert out.splitlines()[:2] == ["created job 1 (inactive, priority -10)", "waiting: [1]"]
    assert "'inactiveCount': 1" in out
    fields = sync_redis.hgetall("q:job:1")
    assert fields["type"] == "email"
    assert fields["backoff"] == '{"type":"exponential","delay":1000}'
    assert sync_redis.lrange("q:email:jobs", 0, -1) == ["1"]


def test_sync_producer_runs(redis_url: str, sync_redis: redis.Redis) -> None:
    out = _run_example("sync_producer.py", redis_url)
    assert out.startswith("created job 1 (delayed)\n")
    assert sync_redis.zcard("q:jobs:delayed") == 1


def test_readme_shows_the_quickstart_file() -> None:
    body = (ROOT / "examples" / "quickstart.py").read_text("utf-8")
    code = body.split("from __future__ import annotations\n\n", 1)[1]
    assert code in README


def test_readme_lists_every_variable() -> None:
    for var in ENVIRONMENT:
        assert f"| `{var.name}` |" in README, var.name
    assert markdown_table() in README
