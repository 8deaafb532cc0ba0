"""Retry backoff as Kue stores and computes it.

Stored in the job hash's ``backoff`` field as Kue writes it (read back by Node with ``eval``):
``true``, a JSON object ``{"type": "fixed"|"exponential", "delay": ms[, "maxDelay": ms]}``, or the
JavaScript source of a function (written only by Node). A Python callable given to pykue must be a
module-level function: the hash gets ``backoff`` = ``true`` (so a Node worker retries the job with
its ``delay``) and ``pykue_backoff`` = ``module:qualname``, which pykue workers import and call.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from pykue.errors import InvalidOption

BackoffFunction = Callable[[int, int], int]
"""A custom backoff: ``(attempts_made, previous_delay_ms) -> next delay in ms``."""

BackoffOption = bool | dict[str, Any] | BackoffFunction | None


@dataclass(frozen=True, slots=True)
class Backoff:
    """A parsed backoff. ``kind`` is ``"true"``, ``"fixed"``, ``"exponential"`` or ``"js"``."""

    kind: str
    delay: int | None = None
    max_delay: int | None = None

    def encode(self) -> str:
        """The ``backoff`` hash field, exactly as Kue writes it."""
        if self.kind in ("true", "js"):
            return "true"
        body: dict[str, Any] = {"type": self.kind}
        if self.delay is not None:
            body["delay"] = self.delay
        if self.max_delay is not None:
            body["maxDelay"] = self.max_delay
        return orjson.dumps(body).decode()

    def next_delay(self, made: int, current_delay: int | None) -> int:
        """Kue's delay before retry number ``made`` (1 after the first failure).

        ``js`` (a Node function pykue cannot run) falls back to the job's stored ``delay``,
        like ``true``.
        """
        base = self.delay or current_delay or 0  # Kue: ``backoff.delay || job.delay``
        if self.kind == "exponential":
            cap = (self.max_delay or math.inf) - base / 2  # Kue: ``(maxDelay || Infinity)``
            return int(_round_half_up(min(cap, base / 2 * (2**made - 1))))
        if self.kind == "fixed":
            return base
        return current_delay or 0


def _round_half_up(value: float) -> float:
    return math.floor(value + 0.5)


def parse_option(value: BackoffOption) -> tuple[Backoff | None, BackoffFunction | None]:
    """Validate a user's backoff option: ``True``, a dict, or a callable."""
    if value is None or value is False:
        return None, None
    if value is True:
        return Backoff("true"), None
    if callable(value):
        return Backoff("true"), value
    if isinstance(value, dict):
        return _from_mapping(value), None
    raise InvalidOption(f"invalid backoff {value!r}: expected true, a dict or a callable")


def _from_mapping(value: dict[str, Any]) -> Backoff:
    kind = value.get("type", "fixed")
    if kind not in ("fixed", "exponential"):
        raise InvalidOption(f"invalid backoff type {kind!r}: expected fixed or exponential")
    delay = _ms(value.get("delay"), "backoff delay")
    max_delay = _ms(value.get("maxDelay"), "backoff maxDelay")
    return Backoff(kind, delay, max_delay)


def _ms(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InvalidOption(f"invalid {what} {value!r}: expected milliseconds >= 0")
    return int(value)


def decode(field: str | None) -> Backoff | None:
    """Parse a stored ``backoff`` field (anything Kue may have written)."""
    if not field:
        return None
    text = field.strip()
    if text.startswith("{"):
        try:
            body = orjson.loads(text)
            return _from_mapping(body) if isinstance(body, dict) else Backoff("true")
        except (orjson.JSONDecodeError, InvalidOption):
            return Backoff("true")
    if text in ("false", "null", "undefined", "0", ""):
        return None
    if text == "true":
        return Backoff("true")
    return Backoff("js")
