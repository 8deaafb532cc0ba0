"""Kue's priorities and states, and their validation (kue-wire §2, §5)."""

from __future__ import annotations

from typing import Any

import pytest

from pykue import InvalidPriority, InvalidState, JobState, Priority

PRIORITIES: list[tuple[Any, int]] = [
    ("low", 10),
    ("normal", 0),
    ("medium", -5),
    ("high", -10),
    ("critical", -15),
    ("HIGH", -10),
    (" low ", 10),
    (0, 0),
    (3, 3),
    (-20, -20),
    ("7", 7),
    ("-3", -3),
    (Priority.HIGH, -10),
]


@pytest.mark.parametrize(("value", "expected"), PRIORITIES)
def test_priority_parse(value: Any, expected: int) -> None:
    assert Priority.parse(value) == expected
    assert type(Priority.parse(value)) is int


@pytest.mark.parametrize("value", ["urgent", "", "1.5", "ten", True, False, None, 1.5, [1]])
def test_bad_priority(value: Any) -> None:
    with pytest.raises(InvalidPriority):
        Priority.parse(value)


def test_priority_names() -> None:
    assert Priority.name_of(-15) == "critical"
    assert Priority.name_of(0) == "normal"
    assert Priority.name_of(3) is None


@pytest.mark.parametrize("name", ["inactive", "active", "complete", "failed", "delayed"])
def test_state_parse(name: str) -> None:
    assert JobState.parse(name).value == name
    assert JobState.parse(JobState(name)) is JobState(name)


@pytest.mark.parametrize("name", ["bogus", "", "Inactive", "queued"])
def test_bad_state(name: str) -> None:
    with pytest.raises(InvalidState, match="expected one of"):
        JobState.parse(name)
