"""``JobSpec``: a validated job to create, and its Redis hash fields. Pure: no I/O.

Validation happens before anything is written, so bad input never leaves a half-written job.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pykue.core import backoff as backoff_mod
from pykue.core.codec import dumps
from pykue.core.states import Priority
from pykue.errors import InvalidOption

DEFAULT_MAX_PAYLOAD = 1_048_576
MAX_TYPE_LENGTH = 200
MAX_NUMBER = 2**53

# Kue's REST ``options`` keys -> JobSpec.build keyword.
_KUE_OPTIONS = {
    "attempts": "attempts",
    "priority": "priority",
    "delay": "delay",
    "backoff": "backoff",
    "removeOnComplete": "remove_on_complete",
    "ttl": "ttl",
}


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job ready to be saved: everything checked and encoded."""

    type: str
    data_json: str
    priority: int = 0
    attempts: int = 1
    delay: int = 0
    ttl: int = 0
    backoff: backoff_mod.Backoff | None = None
    backoff_function: str | None = None
    remove_on_complete: bool = False

    @classmethod
    def build(
        cls,
        job_type: str,
        data: Any = None,
        *,
        priority: int | str = 0,
        attempts: int = 1,
        backoff: backoff_mod.BackoffOption = None,
        delay: int | float = 0,
        ttl: int | float = 0,
        remove_on_complete: bool = False,
        max_payload: int = DEFAULT_MAX_PAYLOAD,
    ) -> JobSpec:
        """Validate every option; raise a ``ValidationError`` subclass on bad input."""
        parsed, function = backoff_mod.parse_option(backoff)
        return cls(
            type=_job_type(job_type),
            data_json=dumps({} if data is None else data, limit=max_payload),
            priority=Priority.parse(priority),
            attempts=_whole(attempts, "attempts", minimum=1),
            delay=_whole(delay, "delay"),
            ttl=_whole(ttl, "ttl"),
            backoff=parsed,
            backoff_function=_function_path(function) if function else None,
            remove_on_complete=_flag(remove_on_complete, "remove_on_complete"),
        )

    @classmethod
    def from_kue(cls, body: Any, *, max_payload: int = DEFAULT_MAX_PAYLOAD) -> JobSpec:
        """A spec from Kue's REST body ``{"type", "data", "options": {...}}``."""
        if not isinstance(body, Mapping):
            raise InvalidOption("a job must be a JSON object")
        if not body.get("type"):
            raise InvalidOption("Must provide job type")
        options = body.get("options") or {}
        if not isinstance(options, Mapping):
            raise InvalidOption("options must be a JSON object")
        unknown = set(options) - set(_KUE_OPTIONS) - {"searchKeys"}
        if unknown:
            raise InvalidOption(f"unknown option(s): {', '.join(sorted(unknown))}")
        kwargs = {
            _KUE_OPTIONS[k]: _kue_value(k, v)
            for k, v in options.items()
            if k in _KUE_OPTIONS and _js_truthy(v)  # Kue ignores falsy options
        }
        return cls.build(body["type"], body.get("data"), max_payload=max_payload, **kwargs)

    def hash_fields(self, now: int) -> list[str]:
        """The job hash as field, value pairs, as Kue writes a new job."""
        fields = [
            "type",
            self.type,
            "max_attempts",
            str(self.attempts),
            "created_at",
            str(now),
            "promote_at",
            str(now + self.delay),
            "updated_at",
            str(now),
            "priority",
            str(self.priority),
            "data",
            self.data_json,
        ]
        if self.delay:
            fields += ["delay", str(self.delay)]
        if self.ttl:
            fields += ["ttl", str(self.ttl)]
        if self.backoff is not None:
            fields += ["backoff", self.backoff.encode()]
        if self.backoff_function:
            fields += ["pykue_backoff", self.backoff_function]
        if self.remove_on_complete:
            fields += ["removeOnComplete", "true"]
        fields += ["state", self.state]
        return fields

    @property
    def state(self) -> str:
        """The state a new job starts in."""
        return "delayed" if self.delay > 0 else "inactive"


def _js_truthy(value: Any) -> bool:
    return value not in (None, False, 0, "")


def _kue_value(name: str, value: Any) -> Any:
    """Kue's REST reading of an option: integer strings for numbers (``parseInt``), any truthy
    ``removeOnComplete``."""
    if name == "removeOnComplete":
        return True
    if name in ("attempts", "delay", "ttl") and isinstance(value, str):
        text = value.strip()
        if text.lstrip("+-").isdigit():
            return int(text)
    return value


def _job_type(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidOption("Must provide job type")
    if len(value) > MAX_TYPE_LENGTH or any(c in value for c in "\r\n\0"):
        raise InvalidOption(f"invalid job type {value[:40]!r}")
    return value


def _whole(value: Any, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidOption(f"invalid {name} {value!r}: expected a number")
    if not math.isfinite(value) or value > MAX_NUMBER:
        raise InvalidOption(f"invalid {name} {value!r}: must be a finite number below 2**53")
    if value < minimum:
        raise InvalidOption(f"invalid {name} {value!r}: must be at least {minimum}")
    return int(value)


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidOption(f"invalid {name} {value!r}: expected true or false")
    return value


def _function_path(function: backoff_mod.BackoffFunction) -> str:
    """``module:qualname`` of a custom backoff, checked to import back to the same function."""
    module = getattr(function, "__module__", None)
    qualname = getattr(function, "__qualname__", "")
    if not module or "<" in qualname:
        raise InvalidOption("a custom backoff must be a module-level function")
    if resolve_function(f"{module}:{qualname}") is not function:
        raise InvalidOption(f"custom backoff {module}:{qualname} cannot be imported back")
    return f"{module}:{qualname}"


def resolve_function(path: str) -> Any:
    """Import ``module:qualname``; None if it cannot be found."""
    module_name, _, qualname = path.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError, ValueError):
        return None
    return target
