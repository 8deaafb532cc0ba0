"""``pykue worker``: readiness, restarts, graceful drain, kill on a second signal, bad APP."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import redis

from pykue import Queue
from pykue.cluster import ExitCode
from tests.cluster.support import ROOT, WorkerCommand


def _complete(client: redis.Redis, queue: Queue, n: int) -> bool:
    return client.zcard(queue.keys.state("complete")) == n


def _wait(check: object, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def test_bad_app_is_a_clear_one_line_error(redis_url: str) -> None:
    env = {**os.environ, "REDIS_URL": redis_url, "PYTHONPATH": str(ROOT)}
    for app, message in [
        ("nope.nothing:queue", "Error: cannot load app: no module named 'nope'"),
        ("tests.cluster.apps:not_a_queue", "not a Queue"),
        ("tests.cluster.apps:missing", "has no attribute 'missing'"),
        ("no-colon", "expected module:attribute"),
    ]:
        done = subprocess.run(
            [sys.executable, "-m", "pykue.cli", "worker", app],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=30,
        )
        assert done.returncode == ExitCode.APP_ERROR, done.stderr
        assert message in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_unreachable_redis_is_a_clear_one_line_error() -> None:
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "pykue.cli", "worker"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=30,
    )
    assert done.returncode == ExitCode.REDIS_UNAVAILABLE
    assert done.stderr.startswith("Error: cannot reach Redis at redis://127.0.0.1:1/0")
    assert len(done.stderr.strip().splitlines()) == 1


def test_workers_report_ready_are_restarted_and_drain_on_sigterm(
    redis_url: str, sync_redis: redis.Redis
) -> None:
    queue = Queue(redis_url)
    command = WorkerCommand(redis_url, "tests.cluster.apps:slow", 2)
    try:
        command.wait_for(r"\[supervisor\].*worker \d ready", times=2)
        assert command.count(r"\[worker-1:\d+\]") >= 1
        victim = command.workers()[0]
        os.kill(victim, signal.SIGKILL)
        command.wait_for(r"died \(exit code -9\).*restarting")
        command.wait_for(r"worker \d ready", times=3)
        assert victim not in command.workers()
        _create(redis_url, "slow", {"seconds": 1.0}, 4)
        _wait(lambda: sync_redis.zcard(queue.keys.state("active")) == 4)
        command.process.send_signal(signal.SIGTERM)
        assert command.process.wait(30) == ExitCode.OK
        assert _complete(sync_redis, queue, 4)
        assert sync_redis.zcard(queue.keys.state("active")) == 0
    finally:
        command.stop()


def test_a_second_signal_kills_the_workers(redis_url: str, sync_redis: redis.Redis) -> None:
    queue = Queue(redis_url)
    command = WorkerCommand(redis_url, "tests.cluster.apps:slow", 1, PYKUE_DRAIN_TIMEOUT="60")
    try:
        command.wait_for(r"worker 1 ready")
        _create(redis_url, "slow", {"seconds": 60})
        _wait(lambda: sync_redis.zcard(queue.keys.state("active")) == 1)
        command.process.send_signal(signal.SIGTERM)
        command.wait_for("draining")
        command.process.send_signal(signal.SIGINT)
        assert command.process.wait(15) == ExitCode.INTERRUPTED
        assert command.workers() == []
    finally:
        command.stop()


def _create(redis_url: str, job_type: str, data: dict[str, float], n: int = 1) -> None:
    async def create() -> None:
        async with Queue(redis_url) as queue:
            await queue.create_many([{"type": job_type, "data": data}] * n)

    asyncio.run(create())
