"""Queue configuration and registration (no Redis needed)."""

from __future__ import annotations

from typing import Any

import pytest

from pykue import InvalidOption, Queue, Settings
from pykue.core.queue import percentage


def test_handlers_and_rpc_registration() -> None:
    queue = Queue(settings=Settings.from_env({}))

    @queue.process("email", 3)
    async def send(job: Any, ctx: Any) -> None:
        return None

    def report(job: Any) -> None:
        return None

    queue.add_handler("report", report)

    @queue.rpc
    def echo(text: str) -> str:
        return text

    @queue.rpc(name="shout")
    def loud(text: str) -> str:
        return text.upper()

    assert queue.handlers["email"].fn is send
    assert queue.handlers["email"].concurrency == 3
    assert queue.handlers["email"].is_async
    assert not queue.handlers["report"].is_async
    assert queue.rpc_methods == {"echo": echo, "shout": loud}
    with pytest.raises(InvalidOption, match="concurrency"):
        queue.process("x", 0)


def test_prefix_and_settings() -> None:
    queue = Queue(settings=Settings.from_env({"PYKUE_PREFIX": "jobs"}))
    assert queue.keys.ids == "jobs:ids"
    assert Queue(prefix="{q}", settings=Settings.from_env({})).keys.jobs == "{q}:jobs"
    queue.configure(Settings.from_env({"PYKUE_PREFIX": "other"}))
    assert queue.keys.ids == "other:ids"


def test_spec_validates_without_redis() -> None:
    queue = Queue(settings=Settings.from_env({"PYKUE_MAX_PAYLOAD": "10"}))
    assert queue.spec("t", {"a": 1}, priority="low").priority == 10
    with pytest.raises(InvalidOption, match="unknown job option"):
        queue.spec("t", {}, colour="red")
    with pytest.raises(Exception, match="over the limit of 10"):
        queue.spec("t", {"a": "long enough"})


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [(1, 2, 50), (1, 3, 33), (3, 2, 100), (0, 0, 0), (5, 0, 0), (-5, 10, 0), (99.99, 100, 99)],
)
def test_percentage(done: float, total: float, expected: int) -> None:
    assert percentage(done, total) == expected


@pytest.mark.parametrize(("done", "total"), [("1", 2), (1, None), (True, 2)])
def test_percentage_rejects(done: Any, total: Any) -> None:
    with pytest.raises(InvalidOption):
        percentage(done, total)
