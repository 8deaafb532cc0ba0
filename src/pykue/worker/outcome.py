"""What a handler's run leaves in the job hash: its result (success) or its error (failure).

Kue stores a returned value as ``result`` only when it is truthy in JavaScript terms, and a value
it cannot serialise as ``{"error":true,"message":"Invalid JSON Result: \\"<value>\\""}``. A
failure stores the full error text (Python's traceback, first line ``Type: message`` like a Node
stack) in ``error``, logs that first line, and reports the message in the events.
"""

from __future__ import annotations

import traceback
from typing import Any

import orjson

from pykue.worker.ops import FailureArgs

TTL_EXCEEDED = "TTL exceeded"
SHUTDOWN = "Shutdown"
LEASE_EXPIRED = "Lease expired: the worker holding the job stopped"


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness (``[]`` and ``{}`` are truthy, ``0``, ``""``, ``None`` are not)."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and value == value
    if isinstance(value, str):
        return value != ""
    return True


def result_json(value: Any) -> str:
    """The ``result`` field for a handler's return value; ``""`` means none is stored."""
    if not js_truthy(value):
        return ""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        message = f'Invalid JSON Result: "{value}"'
        return orjson.dumps({"error": True, "message": message}).decode()


def error_text(exc: BaseException) -> str:
    """Like a Node stack: ``Type: message`` first, then the traceback (most recent call last)."""
    head = traceback.format_exception_only(exc)[-1].rstrip("\n")
    frames = "".join(traceback.format_tb(exc.__traceback__)).rstrip("\n")
    return f"{head}\n{frames}" if frames else head


def _json(text: str) -> str:
    return orjson.dumps(text).decode()


def from_exception(exc: BaseException, delay: int | None) -> FailureArgs:
    """A failed attempt caused by ``exc``."""
    text = error_text(exc)
    message = str(exc)
    return FailureArgs(text, _json(text), text.split("\n", 1)[0], _json(message), delay)


def from_reason(reason: str, delay: int | None, ack: bool = False) -> FailureArgs:
    """A failed attempt with a plain reason (``TTL exceeded``, ``Shutdown``), as Kue logs it."""
    encoded = _json(reason)
    return FailureArgs(reason, encoded, reason, encoded, delay, ack)
