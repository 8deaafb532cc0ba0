"""Kue's backoff encodings and delays (kue-wire §3, §6.5, §13.4-5)."""

from __future__ import annotations

from typing import Any

import pytest

from pykue import InvalidOption
from pykue.core.backoff import Backoff, decode, parse_option


def _delays(backoff: Backoff, current: int | None = None, tries: int = 3) -> list[int]:
    return [backoff.next_delay(made, current) for made in range(1, tries + 1)]


def test_exponential_like_kue() -> None:
    assert _delays(Backoff("exponential", 400)) == [200, 600, 1400]


def test_exponential_max_delay_caps_at_max_minus_half_delay() -> None:
    assert _delays(Backoff("exponential", 1000, 1200)) == [500, 700, 700]


def test_zero_max_delay_and_zero_delay_mean_unset() -> None:
    assert _delays(Backoff("exponential", 400, 0)) == [200, 600, 1400]
    assert _delays(Backoff("fixed", 0), current=80) == [80, 80, 80]


def test_exponential_rounds_half_up() -> None:
    assert Backoff("exponential", 3).next_delay(1, None) == 2  # 1.5 -> 2 (Math.round)


def test_exponential_without_delay_uses_job_delay() -> None:
    assert _delays(Backoff("exponential"), current=100) == [50, 150, 350]


def test_fixed() -> None:
    assert _delays(Backoff("fixed", 300)) == [300, 300, 300]
    assert _delays(Backoff("fixed"), current=250) == [250, 250, 250]


def test_true_reuses_job_delay() -> None:
    assert _delays(Backoff("true"), current=300) == [300, 300, 300]
    assert _delays(Backoff("true"), current=None) == [0, 0, 0]


def test_js_function_falls_back_to_job_delay() -> None:
    assert _delays(Backoff("js"), current=250) == [250, 250, 250]


ENCODED: list[tuple[Backoff, str]] = [
    (Backoff("fixed", 300), '{"type":"fixed","delay":300}'),
    (Backoff("exponential", 400), '{"type":"exponential","delay":400}'),
    (Backoff("exponential", 1000, 1200), '{"type":"exponential","delay":1000,"maxDelay":1200}'),
    (Backoff("true"), "true"),
    (Backoff("js"), "true"),
]


@pytest.mark.parametrize(("backoff", "text"), ENCODED)
def test_encode_as_kue(backoff: Backoff, text: str) -> None:
    assert backoff.encode() == text


DECODED: list[tuple[str | None, Backoff | None]] = [
    ('{"type":"fixed","delay":300}', Backoff("fixed", 300)),
    ('{"type":"exponential","delay":400}', Backoff("exponential", 400)),
    ('{"type":"exponential","delay":1000,"maxDelay":1200}', Backoff("exponential", 1000, 1200)),
    ('{"delay":100}', Backoff("fixed", 100)),
    ("true", Backoff("true")),
    ("function(attempts, delay){ return 250; }", Backoff("js")),
    ("(a, d) => a * 100", Backoff("js")),
    ('{"type":"weird"}', Backoff("true")),
    ("{not json", Backoff("true")),
    ("false", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "backoff"), DECODED)
def test_decode(text: str | None, backoff: Backoff | None) -> None:
    assert decode(text) == backoff


def module_level_backoff(made: int, delay: int) -> int:
    return made * 10


def test_parse_option() -> None:
    assert parse_option(None) == (None, None)
    assert parse_option(False) == (None, None)
    assert parse_option(True) == (Backoff("true"), None)
    assert parse_option({"type": "fixed", "delay": 5}) == (Backoff("fixed", 5), None)
    assert parse_option(module_level_backoff) == (Backoff("true"), module_level_backoff)


@pytest.mark.parametrize(
    "value",
    [{"type": "linear"}, {"type": "fixed", "delay": -1}, {"delay": "soon"}, "fixed", 5],
)
def test_bad_option(value: Any) -> None:
    with pytest.raises(InvalidOption):
        parse_option(value)
