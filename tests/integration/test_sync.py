"""SyncQueue: the blocking facade for WSGI/Django/Flask code, on a real Redis."""

from __future__ import annotations

import os
import threading

import pytest
import redis

from pykue import Event, InvalidPriority, JobNotFound, PykueError, Settings, SyncQueue


def test_sync_queue_round_trip(settings: Settings, sync_redis: redis.Redis) -> None:
    with SyncQueue(settings=settings) as queue:
        job = queue.create("email", {"to": "a"}, priority="high", attempts=2)
        assert queue.get(job.id).data == {"to": "a"}
        queue.create_many([{"type": "email", "data": {"n": 2}}])
        assert queue.ids("inactive", "email") == [1, 2]
        assert [j.id for j in queue.range(order="desc")] == [2, 1]
        assert queue.count("inactive") == 2
        assert queue.stats()["inactiveCount"] == 2
        assert queue.types() == ["email"]
        queue.log(1, "hello %s", "world")
        assert queue.log_lines(1) == ["hello world"]
        assert queue.progress(1, 1, 4) == 25
        queue.set_result(1, [1, 2])
        assert queue.get(1).result == [1, 2]
        queue.set_priority(2, "critical")
        assert queue.ids("inactive") == [2, 1]
        assert queue.set_state(1, "active") == "inactive"
        assert queue.restart(1) == "active"
        assert queue.remove(2) == "email"
        assert [j.id for j in queue.get_many([1, 2])] == [1]
        with pytest.raises(JobNotFound):
            queue.get(2)
        with pytest.raises(InvalidPriority):
            queue.create("email", {}, priority="urgent")
    assert sync_redis.get("q:ids") == "2"
    with pytest.raises(PykueError, match="closed"):
        queue.get(1)
    queue.close()


def test_sync_queue_from_many_threads(settings: Settings) -> None:
    with SyncQueue(settings=settings) as queue:
        errors: list[BaseException] = []

        def produce() -> None:
            try:
                for _ in range(20):
                    queue.create("t", {})
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=produce) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sorted(queue.ids("inactive", "t")) == list(range(1, 81))


def test_sync_subscribe(settings: Settings) -> None:
    with SyncQueue(settings=settings) as queue, queue.subscribe(names=["enqueue"]) as events:
        queue.create("email", {})
        assert events.get(timeout=2) == Event(1, "enqueue", ("email",))
        queue.publish(9, "enqueue", "sms")
        assert events.get(timeout=2) == Event(9, "enqueue", ("sms",))
        assert events.get(timeout=0.05) is None


def test_sync_queue_after_fork(settings: Settings, sync_redis: redis.Redis) -> None:
    with SyncQueue(settings=settings) as queue:
        queue.create("t", {"by": "parent"})
        pid = os.fork()
        if pid == 0:  # the child: what a pre-forked WSGI worker does
            code = 1
            try:
                code = 0 if queue.create("t", {"by": "child"}).id == 2 else 3
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert queue.get(2).data == {"by": "child"}
        assert queue.create("t", {}).id == 3
