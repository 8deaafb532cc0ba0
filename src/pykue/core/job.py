"""``Job``: a read-only snapshot of one job hash, with typed fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pykue.core import backoff as backoff_mod
from pykue.core.codec import Hash, kue_json, loads, to_int
from pykue.core.states import JobState

_MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class Job:
    """One job as stored in Redis. Obtain with ``Queue.get(id)``; build with ``Job.from_hash``."""

    id: int
    type: str
    data: Any = field(default_factory=dict)
    priority: int = 0
    state: JobState | None = None
    max_attempts: int = 1
    attempts_made: int = 0
    created_at: int | None = None
    promote_at: int | None = None
    updated_at: int | None = None
    started_at: int | None = None
    failed_at: int | None = None
    delay: int | None = None
    ttl: int | None = None
    backoff: backoff_mod.Backoff | None = None
    remove_on_complete: bool = False
    progress: int = 0
    progress_data: Any = None
    result: Any = None
    error: str | None = None
    duration: int | None = None
    worker_id: str | None = None
    fields: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_hash(cls, job_id: int, fields: Hash) -> Job:
        """Decode a job hash; lenient about values Kue may have written oddly."""
        state = fields.get("state")
        return cls(
            id=job_id,
            type=fields.get("type", ""),
            data=loads(fields.get("data"), {}),
            priority=to_int(fields.get("priority"), 0) or 0,
            state=_state(state),
            max_attempts=to_int(fields.get("max_attempts"), 1) or 1,
            attempts_made=to_int(fields.get("attempts"), 0) or 0,
            created_at=to_int(fields.get("created_at")),
            promote_at=to_int(fields.get("promote_at")),
            updated_at=to_int(fields.get("updated_at")),
            started_at=to_int(fields.get("started_at")),
            failed_at=to_int(fields.get("failed_at")),
            delay=to_int(fields.get("delay")),
            ttl=to_int(fields.get("ttl")),
            backoff=backoff_mod.decode(fields.get("backoff")),
            remove_on_complete=bool(fields.get("removeOnComplete")),
            progress=to_int(fields.get("progress"), 0) or 0,
            progress_data=loads(fields.get("progress_data")),
            result=loads(fields.get("result")),
            error=fields.get("error"),
            duration=to_int(fields.get("duration")),
            worker_id=fields.get("workerId"),
            fields=dict(fields),
        )

    @property
    def attempts_remaining(self) -> int:
        """Kue's ``remaining``: attempts left before the job fails for good."""
        return (
            self.max_attempts - self.attempts_made if self.attempts_made > 0 else self.max_attempts
        )

    def to_kue_json(self, *, id_as_str: bool = False) -> dict[str, Any]:
        """The job as Kue's JSON API shows it."""
        return kue_json(str(self.id) if id_as_str else self.id, self.fields)


def _state(value: str | None) -> JobState | None:
    try:
        return JobState(value) if value is not None else None
    except ValueError:
        return None
