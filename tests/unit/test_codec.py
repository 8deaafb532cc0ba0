"""Kue's job JSON (kue-wire §10, Appendix F) and hash value encodings (§1.4, §3)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from pykue import InvalidJobData
from pykue.core import codec
from pykue.core.job import Job

# Job 1 of Appendix F (hash of Appendix E) and Kue's JSON of it, key order included.
JOB1_HASH = {
    "max_attempts": "1",
    "type": "email",
    "created_at": "1796397087277",
    "promote_at": "1796397087277",
    "updated_at": "1796397088000",
    "priority": "-15",
    "data": '{"title":"critical mail","to":"x@example.com"}',
    "state": "complete",
    "started_at": "1796397087794",
    "workerId": "kue:vm:12162:email:1",
    "progress": "100",
    "progress_data": '{"step":"a"}',
    "duration": "206",
    "result": '{"sent":"critical mail"}',
    "attempts": "1",
}
JOB1_JSON = (
    '{"id":1,"type":"email","data":{"title":"critical mail","to":"x@example.com"},'
    '"result":{"sent":"critical mail"},"priority":-15,"progress":"100","progress_data":'
    '{"step":"a"},"state":"complete","created_at":"1796397087277","promote_at":"1796397087277",'
    '"updated_at":"1796397088000","started_at":"1796397087794","duration":"206",'
    '"workerId":"kue:vm:12162:email:1","attempts":{"made":1,"remaining":0,"max":1}}'
)

JOB5_HASH = {
    "max_attempts": "1",
    "type": "email",
    "created_at": "1796397087438",
    "promote_at": "1796397147438",
    "delay": "60000",
    "updated_at": "1796397087447",
    "priority": "0",
    "data": '{"title":"delayed 60000"}',
    "state": "delayed",
}
JOB5_JSON = (
    '{"id":5,"type":"email","data":{"title":"delayed 60000"},"priority":0,"progress":0,'
    '"state":"delayed","created_at":"1796397087438","promote_at":"1796397147438",'
    '"updated_at":"1796397087447","delay":"60000","attempts":{"made":0,"remaining":1,"max":1}}'
)

JOB12_HASH = {
    "max_attempts": "2",
    "type": "flaky",
    "created_at": "1796397087442",
    "promote_at": "1796397087442",
    "updated_at": "1796397087856",
    "priority": "0",
    "data": '{"title":"string error no backoff"}',
    "state": "failed",
    "error": "plain string error",
    "failed_at": "1796397087856",
    "started_at": "1796397087851",
    "workerId": "kue:vm:12162:flaky:9",
    "attempts": "2",
    "backoff": "true",
    "removeOnComplete": "true",
    "ttl": "2000",
}
JOB12_JSON = (
    '{"id":"12","type":"flaky","data":{"title":"string error no backoff"},"priority":0,'
    '"progress":0,"state":"failed","error":"plain string error","created_at":"1796397087442",'
    '"promote_at":"1796397087442","updated_at":"1796397087856","failed_at":"1796397087856",'
    '"started_at":"1796397087851","workerId":"kue:vm:12162:flaky:9","ttl":"2000",'
    '"attempts":{"made":2,"remaining":0,"max":2}}'
)


@pytest.mark.parametrize(
    ("job_id", "fields", "text"),
    [(1, JOB1_HASH, JOB1_JSON), (5, JOB5_HASH, JOB5_JSON), ("12", JOB12_HASH, JOB12_JSON)],
)
def test_kue_json_bytes(job_id: int | str, fields: dict[str, str], text: str) -> None:
    assert orjson.dumps(codec.kue_json(job_id, fields)).decode() == text


def test_kue_json_of_odd_hashes() -> None:
    odd = codec.kue_json(3, {"type": "t", "priority": "urgent", "progress": "0"})
    assert (odd["priority"], odd["progress"], odd["data"]) == (None, "0", {})
    assert "result" not in odd


def test_job_to_kue_json_id_types() -> None:
    job = Job.from_hash(1, JOB1_HASH)
    assert job.to_kue_json()["id"] == 1
    assert job.to_kue_json(id_as_str=True)["id"] == "1"
    assert orjson.dumps(job.to_kue_json()).decode() == JOB1_JSON


def test_job_from_hash_types() -> None:
    job = Job.from_hash(12, JOB12_HASH)
    assert (job.type, job.priority, job.state, job.max_attempts, job.attempts_made) == (
        "flaky",
        0,
        "failed",
        2,
        2,
    )
    assert job.attempts_remaining == 0
    assert job.remove_on_complete is True
    assert job.ttl == 2000
    assert job.failed_at == 1796397087856
    assert job.worker_id == "kue:vm:12162:flaky:9"
    assert job.backoff is not None
    assert job.backoff.kind == "true"
    one = Job.from_hash(1, JOB1_HASH)
    assert (one.progress, one.progress_data, one.result) == (
        100,
        {"step": "a"},
        {"sent": "critical mail"},
    )


ATTEMPTS: list[tuple[dict[str, str], dict[str, int | None]]] = [
    ({}, {"made": 0, "remaining": 1, "max": 1}),
    ({"max_attempts": "3"}, {"made": 0, "remaining": 3, "max": 3}),
    ({"max_attempts": "3", "attempts": "1"}, {"made": 1, "remaining": 2, "max": 3}),
    ({"max_attempts": "3", "attempts": "3"}, {"made": 3, "remaining": 0, "max": 3}),
    ({"attempts": "1"}, {"made": 1, "remaining": None, "max": 1}),
    ({"max_attempts": "0"}, {"made": 0, "remaining": 1, "max": 1}),
]


@pytest.mark.parametrize(("fields", "expected"), ATTEMPTS)
def test_attempts_json(fields: dict[str, str], expected: dict[str, int | None]) -> None:
    assert codec.attempts_json(fields) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, None), ("", None), ("12", 12), ("-3", -3), ("1.0", 1), ("junk", None)],
)
def test_to_int(text: str | None, expected: int | None) -> None:
    assert codec.to_int(text) == expected


def test_dumps_and_loads() -> None:
    assert codec.dumps({"a": [1, "é"], "b": None}) == '{"a":[1,"é"],"b":null}'
    assert codec.loads('{"a":1}') == {"a": 1}
    assert codec.loads("not json") == "not json"
    assert codec.loads(None, {}) == {}


@pytest.mark.parametrize("value", [{1j}, object(), {"f": lambda: 1}, 2**70])
def test_dumps_rejects_unserialisable(value: Any) -> None:
    with pytest.raises(InvalidJobData, match="not JSON-serialisable"):
        codec.dumps(value)


def test_dumps_limit() -> None:
    assert codec.dumps("x" * 8, limit=10) == '"xxxxxxxx"'
    with pytest.raises(InvalidJobData, match="over the limit of 10"):
        codec.dumps("x" * 9, limit=10)


def test_decode_hash() -> None:
    assert codec.decode_hash({b"type": b"email", "state": "inactive"}) == {
        "type": "email",
        "state": "inactive",
    }


def test_now_ms_is_epoch_milliseconds() -> None:
    assert 1_600_000_000_000 < codec.now_ms() < 10_000_000_000_000
