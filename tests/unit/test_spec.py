"""JobSpec validation and the hash a new job gets (kue-wire §3, §6.2, §10 POST /job)."""

from __future__ import annotations

from typing import Any

import pytest

from pykue import InvalidJobData, InvalidOption, InvalidPriority, JobSpec, ValidationError
from pykue.core.backoff import Backoff


def module_backoff(made: int, delay: int) -> int:
    return 100 * made


def _pairs(spec: JobSpec, now: int) -> dict[str, str]:
    fields = spec.hash_fields(now)
    return dict(zip(fields[::2], fields[1::2], strict=True))


def test_minimal_hash() -> None:
    spec = JobSpec.build("email", {"to": "a"})
    assert _pairs(spec, 1000) == {
        "type": "email",
        "max_attempts": "1",
        "created_at": "1000",
        "promote_at": "1000",
        "updated_at": "1000",
        "priority": "0",
        "data": '{"to":"a"}',
        "state": "inactive",
    }
    assert spec.hash_fields(1000)[:2] == ["type", "email"]


def test_full_hash() -> None:
    spec = JobSpec.build(
        "video",
        None,
        priority="critical",
        attempts=3,
        backoff={"type": "exponential", "delay": 400, "maxDelay": 5000},
        delay=1500,
        ttl=2000,
        remove_on_complete=True,
    )
    assert _pairs(spec, 1000) == {
        "type": "video",
        "max_attempts": "3",
        "created_at": "1000",
        "promote_at": "2500",
        "updated_at": "1000",
        "priority": "-15",
        "data": "{}",
        "delay": "1500",
        "ttl": "2000",
        "backoff": '{"type":"exponential","delay":400,"maxDelay":5000}',
        "removeOnComplete": "true",
        "state": "delayed",
    }


def test_custom_backoff_function_is_stored_by_path() -> None:
    spec = JobSpec.build("t", backoff=module_backoff)
    fields = _pairs(spec, 1)
    assert fields["backoff"] == "true"
    assert fields["pykue_backoff"] == f"{__name__}:module_backoff"


def test_lambda_backoff_is_rejected() -> None:
    with pytest.raises(InvalidOption, match="module-level"):
        JobSpec.build("t", backoff=lambda made, delay: 1)


BAD: list[tuple[dict[str, Any], type[ValidationError], str]] = [
    ({"job_type": ""}, InvalidOption, "Must provide job type"),
    ({"job_type": None}, InvalidOption, "Must provide job type"),
    ({"job_type": "a\nb"}, InvalidOption, "invalid job type"),
    ({"job_type": "x" * 201}, InvalidOption, "invalid job type"),
    ({"delay": -1}, InvalidOption, "delay"),
    ({"delay": float("nan")}, InvalidOption, "delay"),
    ({"delay": "5000"}, InvalidOption, "delay"),
    ({"ttl": -5}, InvalidOption, "ttl"),
    ({"attempts": 0}, InvalidOption, "attempts"),
    ({"attempts": "3"}, InvalidOption, "attempts"),
    ({"attempts": True}, InvalidOption, "attempts"),
    ({"attempts": 2**60}, InvalidOption, "attempts"),
    ({"priority": "urgent"}, InvalidPriority, "urgent"),
    ({"data": {"when": object()}}, InvalidJobData, "not JSON-serialisable"),
    ({"data": "x" * 100, "max_payload": 50}, InvalidJobData, "over the limit"),
    ({"remove_on_complete": "yes"}, InvalidOption, "remove_on_complete"),
    ({"backoff": {"type": "linear"}}, InvalidOption, "backoff"),
]


@pytest.mark.parametrize(("kwargs", "error", "match"), BAD)
def test_bad_input(kwargs: dict[str, Any], error: type[ValidationError], match: str) -> None:
    args = dict(kwargs)
    job_type = args.pop("job_type", "email")
    data = args.pop("data", {})
    with pytest.raises(error, match=match):
        JobSpec.build(job_type, data, **args)


def test_from_kue_rest_body() -> None:
    body = {
        "type": "email",
        "data": {"title": "via api"},
        "options": {
            "attempts": 3,
            "priority": "high",
            "delay": 5000,
            "backoff": {"type": "exponential", "delay": 1000},
            "ttl": 2000,
            "removeOnComplete": True,
            "searchKeys": ["title"],
        },
    }
    spec = JobSpec.from_kue(body)
    assert (spec.type, spec.priority, spec.attempts, spec.delay, spec.ttl) == (
        "email",
        -10,
        3,
        5000,
        2000,
    )
    assert spec.backoff == Backoff("exponential", 1000)
    assert spec.remove_on_complete is True
    assert spec.state == "delayed"


def test_from_kue_reads_options_as_kue_does() -> None:
    spec = JobSpec.from_kue(
        {
            "type": "t",
            "options": {"attempts": "3", "delay": "250", "ttl": 0, "priority": 0,
                        "removeOnComplete": 1, "backoff": False},
        }
    )  # fmt: skip
    assert (spec.attempts, spec.delay, spec.ttl, spec.priority) == (3, 250, 0, 0)
    assert spec.remove_on_complete is True
    assert spec.backoff is None
    with pytest.raises(InvalidOption, match="attempts"):
        JobSpec.from_kue({"type": "t", "options": {"attempts": "many"}})


def test_from_kue_backoff_true() -> None:
    assert JobSpec.from_kue({"type": "t", "options": {"backoff": True}}).backoff == Backoff("true")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ({"data": {}}, "Must provide job type"),
        ([], "JSON object"),
        ("email", "JSON object"),
        ({"type": "t", "options": "fast"}, "options must be"),
        ({"type": "t", "options": {"colour": 1}}, "unknown option"),
        ({"type": "t", "options": {"priority": "urgent"}}, "invalid priority"),
    ],
)
def test_from_kue_rejects(body: Any, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        JobSpec.from_kue(body)


def test_from_kue_payload_limit() -> None:
    with pytest.raises(InvalidJobData):
        JobSpec.from_kue({"type": "t", "data": {"x": "y" * 100}}, max_payload=20)
