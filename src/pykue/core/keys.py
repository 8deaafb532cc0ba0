"""Every Redis key pykue reads or writes, and the zid member format. This docstring is the schema.

Kue 0.11 keys (prefix ``q``; ``{q}`` works on Redis Cluster, all keys then share one slot)::

    q:ids                     string   last job id (INCR)
    q:job:<id>                hash     the job (fields: see pykue.core.codec)
    q:job:<id>:log            list     log lines (RPUSH)
    q:jobs                    zset     every job, zid -> priority
    q:jobs:<state>            zset     jobs in a state; score: priority, except
                                       active (now+ttl, or -|priority|) and delayed (promote_at)
    q:jobs:<type>:<state>     zset     jobs of a type in a state, zid -> priority
    q:<type>:jobs             list     wake-up tokens ("1"), one per entry into inactive
    q:job:types               set      every job type ever saved
    q:stats:work-time         string   sum of completed jobs' durations (ms)
    q:events                  channel  {"id", "event", "args"} JSON messages

Keys pykue adds (under the prefix, invisible to Kue)::

    q:pykue:leases            zset     zid -> lease deadline (ms) of every job a pykue worker holds
    q:pykue:owners            hash     zid -> fencing token of the worker activation holding it
    q:pykue:workers           zset     worker id -> last heartbeat (ms)
    q:pykue:leader            string   housekeeping leader lock (SET NX PX)
    q:pykue:paused            set      job types paused for every pykue worker
    q:pykue:stats:completed   hash     type -> jobs completed by pykue workers
    q:pykue:stats:failed      hash     type -> jobs failed (final) by pykue workers
    q:pykue:history:<kind>    hash     minute (epoch ms // 60000) -> count; kind complete|failed
    q:pykue:stats:duration    hash     "<type>|<le>" -> completions that took <= le ms (buckets
                                       DURATION_BUCKETS_MS and "+Inf"), "<type>|sum", "<type>|count"

A zid is the sorted-set member of a job: the id's digit count as two decimals, ``|``, the id:
``1 -> "01|1"``, ``10 -> "02|10"``. Byte order of zids equals numeric order of ids.
"""

from __future__ import annotations

from dataclasses import dataclass

STATES = ("inactive", "active", "complete", "failed", "delayed")
DURATION_BUCKETS_MS = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000)


def zid(job_id: int) -> str:
    """The sorted-set member of job ``job_id``: ``f"{len(str(id)):02d}|{id}"``."""
    digits = str(job_id)
    return f"{len(digits):02d}|{digits}"


def strip_zid(member: str | bytes) -> int:
    """The job id of a zid member (everything after the first ``|``)."""
    text = member.decode() if isinstance(member, bytes) else member
    return int(text.split("|", 1)[-1])


@dataclass(frozen=True, slots=True)
class Keys:
    """Key names for one prefix. The only place in pykue that formats a key string."""

    prefix: str = "q"

    def _k(self, rest: str) -> str:
        return f"{self.prefix}:{rest}"

    @property
    def ids(self) -> str:
        return self._k("ids")

    def job(self, job_id: int | str) -> str:
        return self._k(f"job:{job_id}")

    def log(self, job_id: int | str) -> str:
        return self._k(f"job:{job_id}:log")

    @property
    def jobs(self) -> str:
        return self._k("jobs")

    def state(self, state: str) -> str:
        return self._k(f"jobs:{state}")

    def type_state(self, job_type: str, state: str) -> str:
        return self._k(f"jobs:{job_type}:{state}")

    def tokens(self, job_type: str) -> str:
        return self._k(f"{job_type}:jobs")

    @property
    def types(self) -> str:
        return self._k("job:types")

    @property
    def work_time(self) -> str:
        return self._k("stats:work-time")

    @property
    def events(self) -> str:
        return self._k("events")

    @property
    def leases(self) -> str:
        return self._k("pykue:leases")

    @property
    def owners(self) -> str:
        return self._k("pykue:owners")

    @property
    def workers(self) -> str:
        return self._k("pykue:workers")

    @property
    def leader(self) -> str:
        return self._k("pykue:leader")

    @property
    def paused(self) -> str:
        return self._k("pykue:paused")

    def counter(self, outcome: str) -> str:
        return self._k(f"pykue:stats:{outcome}")

    def history(self, outcome: str) -> str:
        return self._k(f"pykue:history:{outcome}")

    @property
    def durations(self) -> str:
        return self._k("pykue:stats:duration")
