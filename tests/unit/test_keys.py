"""Golden values of Kue's key layout and zid member format (kue-wire §1.3, §2)."""

from __future__ import annotations

import pytest

from pykue.core.keys import Keys, strip_zid, zid

ZIDS = [
    (1, "01|1"),
    (9, "01|9"),
    (10, "02|10"),
    (99, "02|99"),
    (100, "03|100"),
    (1234567890, "10|1234567890"),
]


@pytest.mark.parametrize(("job_id", "member"), ZIDS)
def test_zid(job_id: int, member: str) -> None:
    assert zid(job_id) == member


@pytest.mark.parametrize(("job_id", "member"), ZIDS)
def test_strip_zid(job_id: int, member: str) -> None:
    assert strip_zid(member) == job_id
    assert strip_zid(member.encode()) == job_id


def test_strip_zid_without_bar_is_the_number() -> None:
    assert strip_zid("42") == 42


def test_zids_sort_like_ids() -> None:
    ids = [1, 9, 10, 99, 100, 1000, 1234567890]
    assert sorted(zid(i) for i in ids) == [zid(i) for i in ids]


def _golden(k: Keys) -> dict[str, str]:
    return {
        "ids": k.ids,
        "job": k.job(7),
        "job_str": k.job("7"),
        "log": k.log(7),
        "jobs": k.jobs,
        "state": k.state("inactive"),
        "type_state": k.type_state("email", "delayed"),
        "tokens": k.tokens("email"),
        "types": k.types,
        "work_time": k.work_time,
        "events": k.events,
        "leases": k.leases,
        "owners": k.owners,
        "workers": k.workers,
        "leader": k.leader,
        "paused": k.paused,
        "counter": k.counter("completed"),
        "history": k.history("complete"),
        "durations": k.durations,
    }


GOLDEN_Q = {
    "ids": "q:ids",
    "job": "q:job:7",
    "job_str": "q:job:7",
    "log": "q:job:7:log",
    "jobs": "q:jobs",
    "state": "q:jobs:inactive",
    "type_state": "q:jobs:email:delayed",
    "tokens": "q:email:jobs",
    "types": "q:job:types",
    "work_time": "q:stats:work-time",
    "events": "q:events",
    "leases": "q:pykue:leases",
    "owners": "q:pykue:owners",
    "workers": "q:pykue:workers",
    "leader": "q:pykue:leader",
    "paused": "q:pykue:paused",
    "counter": "q:pykue:stats:completed",
    "history": "q:pykue:history:complete",
    "durations": "q:pykue:stats:duration",
}


def test_default_prefix_layout() -> None:
    assert _golden(Keys()) == GOLDEN_Q


def test_hash_tag_prefix_layout() -> None:
    tagged = {name: "{q}" + key[1:] for name, key in GOLDEN_Q.items()}
    assert _golden(Keys("{q}")) == tagged
