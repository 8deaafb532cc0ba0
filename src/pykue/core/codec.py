"""Job <-> Redis hash fields, exactly as Kue 0.11 encodes them, and Kue's job JSON.

Hash values are strings: timestamps and durations are integer milliseconds, ``data``, ``result``
and ``progress_data`` are JSON text, ``priority`` a signed integer, ``removeOnComplete`` only
``"true"`` (or absent). pykue adds one field Kue ignores: ``pykue_backoff`` (``module:qualname``
of a Python backoff function). Pure functions: no I/O.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import orjson

from pykue.errors import InvalidJobData

Hash = Mapping[str, str]

# Kue's job JSON key order (keys with no value are omitted).
_JSON_STRING_FIELDS = (
    "created_at",
    "promote_at",
    "updated_at",
    "failed_at",
    "started_at",
    "duration",
    "delay",
)


def now_ms() -> int:
    """Milliseconds since the Unix epoch, as Kue's ``Date.now()``."""
    return time.time_ns() // 1_000_000


def dumps(value: Any, *, limit: int | None = None, what: str = "data") -> str:
    """JSON text of ``value`` (``InvalidJobData`` if not serialisable or over ``limit`` bytes)."""
    try:
        raw = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError as exc:
        raise InvalidJobData(f"job {what} is not JSON-serialisable: {exc}") from None
    if limit is not None and len(raw) > limit:
        raise InvalidJobData(f"job {what} is {len(raw)} bytes of JSON, over the limit of {limit}")
    return raw.decode()


def loads(text: str | None, default: Any = None) -> Any:
    """Parse JSON text from a hash field; text that is not JSON is returned as it is."""
    if text is None:
        return default
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text


def to_int(text: str | None, default: int | None = None) -> int | None:
    """An integer hash field (Kue may store floats or junk: be lenient)."""
    if text is None or text == "":
        return default
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))
        except ValueError:
            return default


def attempts_json(fields: Hash) -> dict[str, int | None]:
    """Kue's ``attempts`` object: made, remaining and max (``remaining`` is null, as Kue's
    ``NaN``, for a job with attempts made but no ``max_attempts``)."""
    made = to_int(fields.get("attempts"), 0) or 0
    maximum = to_int(fields.get("max_attempts"), 1) or 1
    remaining: int | None = maximum
    if made > 0:
        stored_max = to_int(fields.get("max_attempts"))
        remaining = None if stored_max is None else stored_max - made
    return {"made": made, "remaining": remaining, "max": maximum}


def kue_json(job_id: int | str, fields: Hash) -> dict[str, Any]:
    """The job as Kue's JSON API shows it (``id`` as given: int in lists, str for /job/:id)."""
    out: dict[str, Any] = {"id": job_id, "type": fields.get("type")}
    out["data"] = loads(fields.get("data"), {})
    if "result" in fields:
        out["result"] = loads(fields["result"])
    out["priority"] = to_int(fields.get("priority"))  # Kue: Number(...), NaN shows as null
    out["progress"] = fields.get("progress", 0)
    if "progress_data" in fields:
        out["progress_data"] = loads(fields["progress_data"])
    out["state"] = fields.get("state")
    if "error" in fields:
        out["error"] = fields["error"]
    for name in _JSON_STRING_FIELDS:
        if name in fields:
            out[name] = fields[name]
    if "workerId" in fields:
        out["workerId"] = fields["workerId"]
    if "ttl" in fields:
        out["ttl"] = fields["ttl"]
    out["attempts"] = attempts_json(fields)
    return out


def decode_hash(raw: Mapping[bytes | str, bytes | str]) -> dict[str, str]:
    """A redis-py HGETALL reply (bytes or str) as a str -> str dict."""
    return {_text(k): _text(v) for k, v in raw.items()}


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
