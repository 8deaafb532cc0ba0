"""The KEYS/ARGV of every worker-side script, built from ``core.keys`` (no key strings here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from pykue.core.keys import DURATION_BUCKETS_MS, Keys, zid
from pykue.core.scripts import Arg
from pykue.worker.scripts import Call, Key

MAX_RESERVE = 1000
"""At most this many jobs taken by one reserve.lua call."""
BUCKET_LABELS = (*(str(b) for b in DURATION_BUCKETS_MS), "+Inf")
_BUCKET_ARGS = tuple(",".join(BUCKET_LABELS[i:]) for i in range(len(BUCKET_LABELS)))


def buckets_for(duration_ms: int) -> str:
    """The cumulative histogram buckets (``le`` labels, comma-separated) a run of
    ``duration_ms`` counts in."""
    for index, bound in enumerate(DURATION_BUCKETS_MS):
        if duration_ms <= bound:
            return _BUCKET_ARGS[index]
    return _BUCKET_ARGS[-1]


@dataclass(frozen=True)
class TypeOps:
    """Script calls for the jobs of one type (key lists computed once)."""

    keys: Keys
    job_type: str

    def _ts(self, state: str) -> str:
        return self.keys.type_state(self.job_type, state)

    @cached_property
    def reserve_keys(self) -> list[Key]:
        k = self.keys
        return _encoded(
            self._ts("inactive"),
            k.state("inactive"),
            k.state("active"),
            self._ts("active"),
            k.tokens(self.job_type),
            k.leases,
            k.owners,
            k.paused,
        )

    def reserve(self, count: int, consumed: int, deadline: int, token: str) -> Call:
        count = min(count, MAX_RESERVE)
        return ("reserve", self.reserve_keys, [count, consumed, deadline, token, self.job_type])

    @cached_property
    def _activate_keys(self) -> list[Key]:
        k = self.keys
        return _encoded(k.state("active"), self._ts("active"), k.leases, k.owners)

    @cached_property
    def _events(self) -> bytes:
        return self.keys.events.encode()

    def activate(self, jobs: Sequence[tuple[int, str]], token: str, now: int) -> Call:
        """Activate the reserved ``jobs`` (``(id, workerId)`` pairs) in one call."""
        keys: list[Key] = [*self._activate_keys]
        args: list[Arg] = [token, now, self._events]
        for job_id, worker_id in jobs:
            keys.append(self.keys.job(job_id))
            args += (job_id, zid(job_id), worker_id)
        return ("activate", keys, args)

    @cached_property
    def _complete_keys(self) -> list[Key]:
        k = self.keys
        return _encoded(
            k.jobs,
            k.state("active"),
            self._ts("active"),
            k.state("complete"),
            self._ts("complete"),
            k.leases,
            k.owners,
            k.work_time,
            k.counter("completed"),
            k.history("complete"),
            k.durations,
        )

    def complete(self, held: Held, now: int, result_json: str) -> Call:
        """One job's completion; the ``Finisher`` merges those of a type into one call
        (complete.lua takes KEYS/ARGV of many jobs after the shared ones)."""
        k, job_id = self.keys, held.job_id
        duration = max(0, now - held.started_at)
        args: list[Arg] = [
            self._events,
            job_id,
            zid(job_id),
            held.token,
            held.worker_id,
            now,
            duration,
            result_json,
            now // 60_000,
            buckets_for(duration),
        ]
        return ("complete", [*self._complete_keys, k.job(job_id), k.log(job_id)], args)

    @cached_property
    def _fail_keys(self) -> list[Key]:
        k = self.keys
        return _encoded(
            k.state("active"),
            self._ts("active"),
            k.state("failed"),
            self._ts("failed"),
            k.state("delayed"),
            self._ts("delayed"),
            k.state("inactive"),
            self._ts("inactive"),
            k.tokens(self.job_type),
            k.leases,
            k.owners,
            k.counter("failed"),
            k.history("failed"),
        )

    def fail(self, held: Held, now: int, failure: FailureArgs) -> Call:
        k, job_id = self.keys, held.job_id
        args: list[Arg] = [
            job_id,
            zid(job_id),
            held.token,
            held.worker_id,
            now,
            failure.error,
            failure.error_json,
            failure.log_line,
            failure.message_json,
            "" if failure.delay is None else failure.delay,
            self._events,
            now // 60_000,
            "1" if failure.ack else "0",
        ]
        return ("fail", [k.job(job_id), k.log(job_id), *self._fail_keys], args)

    def release(self, held: Held, now: int) -> Call:
        k, job_id = self.keys, held.job_id
        keys = [
            k.job(job_id),
            k.state("active"),
            self._ts("active"),
            k.state("inactive"),
            self._ts("inactive"),
            k.tokens(self.job_type),
            k.leases,
            k.owners,
        ]
        return ("release", keys, [job_id, zid(job_id), held.token, held.worker_id, now, k.events])

    def promote(self, job_id: int, now: int) -> Call:
        k = self.keys
        keys = [
            k.job(job_id),
            k.state("delayed"),
            self._ts("delayed"),
            k.state("inactive"),
            self._ts("inactive"),
            k.tokens(self.job_type),
        ]
        return ("promote", keys, [job_id, zid(job_id), now, k.events])

    def recover(self, job_id: int, now: int, spend: bool, error: str, error_json: str) -> Call:
        k = self.keys
        keys = [
            k.job(job_id),
            k.log(job_id),
            k.state("active"),
            self._ts("active"),
            k.state("inactive"),
            self._ts("inactive"),
            k.state("failed"),
            self._ts("failed"),
            k.tokens(self.job_type),
            k.leases,
            k.owners,
            k.counter("failed"),
            k.history("failed"),
        ]
        args: list[Arg] = [
            job_id,
            zid(job_id),
            now,
            k.events,
            "1" if spend else "0",
            error,
            error_json,
            now // 60_000,
        ]
        return ("recover", keys, args)


def _encoded(*keys: str) -> list[Key]:
    return [key.encode() for key in keys]


@dataclass(frozen=True, slots=True)
class Held:
    """What the scripts need to know about a job a worker holds."""

    job_id: int
    token: str
    worker_id: str
    started_at: int


@dataclass(frozen=True, slots=True)
class FailureArgs:
    """A failed attempt, encoded for fail.lua."""

    error: str
    error_json: str
    log_line: str
    message_json: str
    delay: int | None = None
    ack: bool = False


class OpsCache:
    """``TypeOps`` per job type, built on first use."""

    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        self._ops: dict[str, TypeOps] = {}

    def __call__(self, job_type: str) -> TypeOps:
        ops = self._ops.get(job_type)
        if ops is None:
            ops = self._ops[job_type] = TypeOps(self.keys, job_type)
        return ops
