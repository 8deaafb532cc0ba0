"""Kue's event messages on <prefix>:events (kue-wire §7, Appendix E)."""

from __future__ import annotations

from typing import Any

import pytest

from pykue.core.events import EVENTS, Event, decode

# Raw messages observed from Kue, and what they decode to.
KUE_MESSAGES: list[tuple[str, Event]] = [
    ('{"id":1,"event":"enqueue","args":["enqueue","email"]}', Event(1, "enqueue", ("email",))),
    (
        '{"id":12,"event":"start","args":["start","flaky",null]}',
        Event(12, "start", ("flaky", None)),
    ),
    (
        '{"id":12,"event":"error","args":["error","plain string error"]}',
        Event(12, "error", ("plain string error",)),
    ),
    (
        '{"id":1,"event":"progress","args":["progress",30,{"step":"a"}]}',
        Event(1, "progress", (30, {"step": "a"})),
    ),
    (
        '{"id":6,"event":"complete","args":["complete","ok",null]}',
        Event(6, "complete", ("ok", None)),
    ),
    (
        '{"id":12,"event":"failed attempt","args":["failed attempt","plain string error",1]}',
        Event(12, "failed attempt", ("plain string error", 1)),
    ),
    ('{"id":6,"event":"remove","args":["remove","video"]}', Event(6, "remove", ("video",))),
    (
        '{"id":12,"event":"failed","args":["failed","plain string error",null]}',
        Event(12, "failed", ("plain string error", None)),
    ),
    ('{"id":13,"event":"promotion","args":["promotion"]}', Event(13, "promotion")),
    ('{"id":8,"event":"ttl exceeded","args":["ttl exceeded"]}', Event(8, "ttl exceeded")),
    (
        '{"id":8,"event":"ttl exceeded ack","args":["ttl exceeded ack"]}',
        Event(8, "ttl exceeded ack"),
    ),
]


@pytest.mark.parametrize(("raw", "event"), KUE_MESSAGES)
def test_decode_kue_message(raw: str, event: Event) -> None:
    assert decode(raw) == event
    assert decode(raw.encode()) == event


@pytest.mark.parametrize(("raw", "event"), KUE_MESSAGES)
def test_encode_is_byte_identical(raw: str, event: Event) -> None:
    assert event.encode() == raw


def test_string_id_from_kue_rest_paths() -> None:
    raw = '{"id":"12","event":"enqueue","args":["enqueue","flaky"]}'
    assert decode(raw) == Event(12, "enqueue", ("flaky",))


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        '{"event":"enqueue","args":[]}',
        '{"id":"abc","event":"enqueue","args":[]}',
        '{"id":1,"event":5,"args":[]}',
        '{"id":1,"event":"x","args":"no"}',
        '{"id":null,"event":"x","args":[]}',
    ],
)
def test_decode_rejects_non_events(raw: Any) -> None:
    assert decode(raw) is None


def test_missing_args() -> None:
    assert decode('{"id":3,"event":"promotion"}') == Event(3, "promotion")


def test_catalogue() -> None:
    assert len(EVENTS) == 11
    assert "failed attempt" in EVENTS
