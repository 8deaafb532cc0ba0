"""Pure pieces of the worker: histogram buckets, results, error texts, handler signatures."""

from __future__ import annotations

from typing import Any

import pytest

from pykue.worker import outcome
from pykue.worker.attempt import wants_context
from pykue.worker.ops import buckets_for


@pytest.mark.parametrize(
    ("duration", "first"),
    [(0, "5"), (5, "5"), (6, "10"), (250, "250"), (251, "500"), (60000, "60000")],
)
def test_duration_buckets_are_cumulative(duration: int, first: str) -> None:
    labels = buckets_for(duration).split(",")
    assert labels[0] == first
    assert labels[-1] == "+Inf"


def test_a_duration_over_every_bucket_counts_only_in_inf() -> None:
    assert buckets_for(60001) == "+Inf"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (None, ""),
        (False, ""),
        (0, ""),
        ("", ""),
        (0.0, ""),
        (True, "true"),
        ([], "[]"),
        ({}, "{}"),
        ("ok", '"ok"'),
        ({"a": [1, 2]}, '{"a":[1,2]}'),
    ],
)
def test_results_are_stored_when_truthy_in_javascript(value: Any, stored: str) -> None:
    assert outcome.result_json(value) == stored


def test_unserialisable_result_is_stored_as_kues_error_object() -> None:
    assert outcome.result_json(object).startswith('{"error":true,"message":"Invalid JSON Result: ')


def test_error_text_starts_like_a_node_stack() -> None:
    try:
        raise ValueError("bad thing")
    except ValueError as exc:
        text = outcome.error_text(exc)
        failure = outcome.from_exception(exc, 100)
    assert text.startswith("ValueError: bad thing\n")
    assert failure.log_line == "ValueError: bad thing"
    assert failure.message_json == '"bad thing"'
    assert failure.delay == 100


def test_handler_signatures() -> None:
    def one(job: Any) -> None: ...

    def two(job: Any, ctx: Any) -> None: ...

    def star(*args: Any) -> None: ...

    async def keyword_ctx(job: Any, *, ctx: Any = None) -> None: ...

    assert not wants_context(one)
    assert wants_context(two)
    assert wants_context(star)
    assert not wants_context(keyword_ctx)
