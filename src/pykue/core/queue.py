"""``Queue``: the producer side of pykue and the home of an app's handlers and RPC methods.

One Lua script per state change (see ``scripts/``); reads are plain commands, pipelined.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

from redis.asyncio.client import Redis
from redis.asyncio.cluster import RedisCluster

from pykue.core import codec, connection
from pykue.core.connection import Client
from pykue.core.embedded import EmbeddedRedis
from pykue.core.events import Event, Subscription, publish
from pykue.core.handlers import Handler, HandlerSpec
from pykue.core.job import Job
from pykue.core.keys import STATES, Keys, strip_zid, zid
from pykue.core.logfmt import format_line
from pykue.core.scripts import Scripts
from pykue.core.spec import JobSpec
from pykue.core.states import JobState, Priority
from pykue.errors import InvalidOption, JobNotFound
from pykue.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
JobInput = JobSpec | Mapping[str, Any]


class Queue:
    """A Kue-compatible job queue on one Redis, under one key prefix.

    ``Queue()`` reads its settings from the environment when first used (``REDIS_URL``; with no
    URL, an embedded redis-server under ``PYKUE_DATA_DIR``). Handlers and RPC methods are
    registered with the ``process`` and ``rpc`` decorators and run by ``pykue worker``/``serve``.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        prefix: str | None = None,
        settings: Settings | None = None,
        client: Client | None = None,
    ) -> None:
        self._settings = settings
        self._url = url
        self._prefix = prefix
        self._client = client
        self._owns_client = client is None
        self._scripts: Scripts | None = None
        self._embedded: EmbeddedRedis | None = None
        self.handlers: dict[str, HandlerSpec] = {}
        self.rpc_methods: dict[str, Callable[..., Any]] = {}

    # -- configuration and connection ---------------------------------------------------------

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings

    def configure(self, settings: Settings) -> None:
        """Use ``settings`` (call before the first Redis command)."""
        self._settings = settings

    @property
    def keys(self) -> Keys:
        return Keys(self._prefix or self.settings.prefix)

    @property
    def url(self) -> str:
        """The Redis URL in use (starting the embedded Redis if none is configured)."""
        if self._url is None:
            self._url = self.settings.redis_url
        if self._url is None:
            self._embedded = EmbeddedRedis(self.settings.data_dir)
            self._url = self._embedded.start()
        return self._url

    @property
    def client(self) -> Redis:
        """The asyncio Redis client (str replies), created on first use.

        With ``PYKUE_REDIS_CLUSTER`` (give the queue a ``{q}`` prefix then) this is a
        ``RedisCluster``, which has the same command methods; it is typed as ``Redis`` so that
        callers need not care. ``is_cluster`` tells which it is.
        """
        return cast(Redis, self._connected())

    @property
    def is_cluster(self) -> bool:
        """True if the client is a ``RedisCluster``."""
        return isinstance(self._connected(), RedisCluster)

    def _connected(self) -> Client:
        if self._client is None:
            if self.settings.redis_cluster:
                self._client = connection.connect_cluster(self.url)
            else:
                self._client = connection.connect(self.url, pool_size=connection.POOL_SIZE)
        return self._client

    @property
    def scripts(self) -> Scripts:
        if self._scripts is None:
            self._scripts = Scripts(self._connected())
        return self._scripts

    async def connect(self) -> Queue:
        """Make sure Redis answers (``RedisUnavailable`` otherwise)."""
        await connection.check(self.client, self.url)
        return self

    async def close(self) -> None:
        """Close the connection pool and stop the embedded Redis if this process started it."""
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None
            self._scripts = None
        if self._embedded is not None:
            self._embedded.stop()
            self._embedded = None

    async def __aenter__(self) -> Queue:
        try:
            return await self.connect()
        except BaseException:
            await self.close()
            raise

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    # -- registration ------------------------------------------------------------------------

    def process(
        self,
        job_type: str,
        concurrency: int = 1,
        *,
        backoff: Callable[[int, int], int] | None = None,
    ) -> Callable[[F], F]:
        """Register the decorated function as the handler of ``job_type`` jobs."""
        if concurrency < 1:
            raise InvalidOption(f"concurrency must be at least 1, got {concurrency}")

        def register(fn: F) -> F:
            self.handlers[job_type] = HandlerSpec(job_type, fn, concurrency, backoff)
            return fn

        return register

    def add_handler(self, job_type: str, fn: Handler, concurrency: int = 1) -> None:
        """Call form of ``process``."""
        self.process(job_type, concurrency)(fn)

    def rpc(self, fn: F | None = None, *, name: str | None = None) -> Any:
        """Export the decorated function to RPC clients: ``@queue.rpc`` or ``@queue.rpc(name=)``."""

        def register(target: F) -> F:
            self.rpc_methods[name or target.__name__] = target
            return target

        return register(fn) if fn is not None else register

    # -- creating jobs -----------------------------------------------------------------------

    def spec(self, job_type: str, data: Any = None, **options: Any) -> JobSpec:
        """Validate a job without saving it (options as for ``create``)."""
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise InvalidOption(f"unknown job option(s): {', '.join(unknown)}")
        return JobSpec.build(job_type, data, max_payload=self.settings.max_payload_bytes, **options)

    async def create(
        self, job_type: str, data: Any = None, *, events: bool = True, **options: Any
    ) -> Job:
        """Save a new job; returns it. Options: ``priority`` (name or int), ``attempts``,
        ``backoff`` (True, ``{"type": "fixed"|"exponential", "delay", "maxDelay"}``, or a
        module-level function), ``delay`` (ms), ``ttl`` (ms), ``remove_on_complete``.
        ``events=False`` skips the ``enqueue`` event of this creation."""
        spec = self.spec(job_type, data, **options)
        job_id = int(await self.client.incr(self.keys.ids))
        now = codec.now_ms()
        await self._save(spec, job_id, now, self.client, events=events)
        return _created(spec, job_id, now)

    async def create_many(self, jobs: Iterable[JobInput], *, events: bool = True) -> list[Job]:
        """Save many jobs in two round trips (one INCRBY, one pipeline); every job is
        validated before any is written. Items are ``JobSpec``s or mappings ``{"type", "data",
        "options"}`` (options named as for ``create`` or as in Kue's REST API)."""
        specs = [j if isinstance(j, JobSpec) else self._spec_from(j) for j in jobs]
        if not specs:
            return []
        last = int(await self.client.incrby(self.keys.ids, len(specs)))
        first, now = last - len(specs) + 1, codec.now_ms()
        async with self.client.pipeline(transaction=False) as pipe:
            for offset, spec in enumerate(specs):
                await self._save(spec, first + offset, now, pipe, events=events)
            await pipe.execute()
        return [_created(spec, first + i, now) for i, spec in enumerate(specs)]

    def _spec_from(self, item: Mapping[str, Any]) -> JobSpec:
        if not isinstance(item, Mapping):
            raise InvalidOption(f"a job must be a JobSpec or a mapping, got {type(item).__name__}")
        options = item.get("options") or {}
        if not isinstance(options, Mapping):
            raise InvalidOption("options must be a mapping")
        named = {
            KUE_OPTION_NAMES.get(str(k), str(k)): v for k, v in options.items() if k != "searchKeys"
        }
        return self.spec(item.get("type", ""), item.get("data"), **named)

    async def _save(
        self, spec: JobSpec, job_id: int, now: int, client: Any, *, events: bool = True
    ) -> Any:
        k, member = self.keys, zid(job_id)
        keys = [
            k.job(job_id),
            k.jobs,
            k.types,
            k.state(spec.state),
            k.type_state(spec.type, spec.state),
            k.tokens(spec.type),
        ]
        args: list[str | int] = [
            job_id,
            member,
            spec.type,
            spec.priority,
            spec.state,
            now + spec.delay,
            k.events if events else "",
            Event(job_id, "enqueue", (spec.type,)).encode(),
        ]
        return await self.scripts.call("create", keys, [*args, *spec.hash_fields(now)], client)

    # -- reading -----------------------------------------------------------------------------

    async def get(self, job_id: int | str) -> Job:
        """The job with that id (``JobNotFound`` if there is none)."""
        number = _job_id(job_id)
        fields = codec.decode_hash(await self.client.hgetall(self.keys.job(number)))
        if "type" not in fields:
            raise JobNotFound(job_id)
        return Job.from_hash(number, fields)

    async def get_many(self, ids: Sequence[int]) -> list[Job]:
        """The jobs that exist among ``ids``, in the given order (one round trip)."""
        async with self.client.pipeline(transaction=False) as pipe:
            for job_id in ids:
                pipe.hgetall(self.keys.job(job_id))
            replies = await pipe.execute()
        decoded = (codec.decode_hash(f) for f in replies)
        return [Job.from_hash(i, f) for i, f in zip(ids, decoded, strict=True) if "type" in f]

    def _set_key(self, state: str | None, job_type: str | None) -> str:
        if state is not None:
            state = JobState.parse(state).value
        if job_type is not None:
            if state is None:
                raise InvalidOption("a job type needs a state")
            return self.keys.type_state(job_type, state)
        return self.keys.state(state) if state is not None else self.keys.jobs

    async def ids(
        self,
        state: str | None = None,
        job_type: str | None = None,
        start: int = 0,
        stop: int = -1,
    ) -> list[int]:
        """Ids of a range of a set in Kue's order (score, then zid); ``start..stop`` inclusive."""
        members = await self.client.zrange(self._set_key(state, job_type), start, stop)
        return [strip_zid(str(m)) for m in members]

    async def range(
        self,
        state: str | None = None,
        job_type: str | None = None,
        start: int = 0,
        stop: int = -1,
        order: str = "asc",
    ) -> list[Job]:
        """Jobs exactly as Kue's ``/jobs/...from..to/order`` lists them: the ``start..stop``
        members by score, the page sorted by id, reversed for ``desc``."""
        jobs = await self.get_many(await self.ids(state, job_type, start, stop))
        jobs.sort(key=lambda j: j.id, reverse=order == "desc")
        return jobs

    async def count(self, state: str | None = None, job_type: str | None = None) -> int:
        """Number of jobs in a state (of a type), or of all jobs."""
        return int(await self.client.zcard(self._set_key(state, job_type)))

    async def stats(self) -> dict[str, int | None]:
        """Kue's ``/stats`` (same keys, same order): counts of the five states and the total
        work time in ms (``None`` when no Node worker ever completed a job)."""
        async with self.client.pipeline(transaction=False) as pipe:
            for state in STATS_ORDER:
                pipe.zcard(self.keys.state(state))
            pipe.get(self.keys.work_time)
            *counts, work_time = await pipe.execute()
        out: dict[str, int | None] = {
            f"{s}Count": int(c) for s, c in zip(STATS_ORDER, counts, strict=True)
        }
        out["workTime"] = codec.to_int(work_time)
        return out

    async def types(self) -> list[str]:
        """Every job type ever saved."""
        return sorted(str(t) for t in await self.client.smembers(self.keys.types))

    async def log_lines(self, job_id: int | str) -> list[str]:
        """The job's log."""
        return [str(x) for x in await self.client.lrange(self.keys.log(_job_id(job_id)), 0, -1)]

    # -- changing ----------------------------------------------------------------------------

    async def _type_of(self, job_id: int) -> str:
        job_type = await self.client.hget(self.keys.job(job_id), "type")
        if job_type is None:
            raise JobNotFound(job_id)
        return str(job_type)

    def _state_keys(self, job_type: str) -> list[str]:
        return [self.keys.state(s) for s in STATES] + [
            self.keys.type_state(job_type, s) for s in STATES
        ]

    def state_call(
        self, job_id: int, job_type: str, new: str, expected: str = ""
    ) -> tuple[list[str], list[str | int]]:
        """KEYS and ARGV of the ``set_state`` script (for callers that pipeline it); with
        ``expected``, the job moves only if it is in that state."""
        k = self.keys
        keys = [k.job(job_id), *self._state_keys(job_type), k.tokens(job_type), k.leases, k.owners]
        enqueue = Event(job_id, "enqueue", (job_type,)).encode()
        return keys, [job_id, zid(job_id), new, codec.now_ms(), k.events, enqueue, expected]

    async def set_state(self, job_id: int | str, state: str | JobState) -> str:
        """Move a job to ``state``; returns its previous state. Idempotent."""
        number, new = _job_id(job_id), JobState.parse(state).value
        keys, args = self.state_call(number, await self._type_of(number), new)
        old = await self.scripts.call("set_state", keys, args)
        if old is None:
            raise JobNotFound(job_id)
        return str(old)

    async def restart(self, job_id: int | str) -> str:
        """Kue's ``/inactive/:id``: queue the job again (attempts are not reset)."""
        return await self.set_state(job_id, JobState.INACTIVE)

    async def set_priority(self, job_id: int | str, priority: int | str) -> None:
        """Change a job's priority (and every score derived from it)."""
        number, value = _job_id(job_id), Priority.parse(priority)
        job_type = await self._type_of(number)
        keys = [self.keys.job(number), self.keys.jobs, *self._state_keys(job_type)]
        if (
            await self.scripts.call("set_priority", keys, [zid(number), value, codec.now_ms()])
            is None
        ):
            raise JobNotFound(job_id)

    async def remove(self, job_id: int | str) -> str:
        """Delete a job with its log and indexes; returns its type."""
        number = _job_id(job_id)
        job_type = await self._type_of(number)
        k = self.keys
        keys = [
            k.job(number),
            k.log(number),
            k.jobs,
            *self._state_keys(job_type),
            k.leases,
            k.owners,
        ]
        message = Event(number, "remove", (job_type,)).encode()
        removed = await self.scripts.call("remove", keys, [number, zid(number), k.events, message])
        if removed is None:
            raise JobNotFound(job_id)
        return str(removed)

    async def progress(
        self, job_id: int | str, done: float, total: float = 100, data: Any = None
    ) -> int:
        """Record progress ``done`` of ``total`` (Kue: ``min(100, floor(done*100/total))``,
        kept within 0..100); publishes Kue's ``progress`` event. Returns the percentage."""
        number = _job_id(job_id)
        percent = percentage(done, total)
        data_json = "" if data is None else codec.dumps(data, what="progress data")
        message = Event(number, "progress", (percent, data)).encode()
        args: list[str | int] = [
            number,
            zid(number),
            percent,
            data_json,
            codec.now_ms(),
            self.keys.events,
            message,
        ]
        if (
            await self.scripts.call(
                "progress", [self.keys.job(number), self.keys.state("active")], args
            )
            is None
        ):
            raise JobNotFound(job_id)
        return percent

    async def log(self, job_id: int | str, fmt: Any, *args: Any) -> None:
        """Append a line to the job's log, formatted as Kue's ``job.log(fmt, ...args)``."""
        number = _job_id(job_id)
        keys = [self.keys.job(number), self.keys.log(number)]
        if await self.scripts.call("log", keys, [format_line(fmt, *args), codec.now_ms()]) is None:
            raise JobNotFound(job_id)

    async def set_result(self, job_id: int | str, result: Any) -> None:
        """Store ``result`` (JSON) as the job's result, as Kue's worker does on success."""
        number = _job_id(job_id)
        text = codec.dumps(result, limit=self.settings.max_payload_bytes, what="result")
        reply = await self.scripts.call(
            "set_result", [self.keys.job(number)], [text, codec.now_ms()]
        )
        if reply is None:
            raise JobNotFound(job_id)

    # -- events ------------------------------------------------------------------------------

    async def publish(self, job_id: int, event: str, *args: Any) -> None:
        """Publish a job event on ``<prefix>:events`` exactly as Kue does (``args`` after the
        event's name, e.g. ``publish(3, "complete", result, None)``)."""
        await publish(self.client, self.keys.events, Event(_job_id(job_id), event, args))

    def subscribe(
        self, *, job_id: int | None = None, names: Sequence[str] | None = None
    ) -> Subscription:
        """``async with queue.subscribe() as events: async for e in events: ...``"""
        return Subscription(self.client, self.keys.events, job_id=job_id, names=names)


OPTIONS = ("priority", "attempts", "backoff", "delay", "ttl", "remove_on_complete")
KUE_OPTION_NAMES = {"removeOnComplete": "remove_on_complete"}
STATS_ORDER = ("inactive", "complete", "active", "failed", "delayed")


def percentage(done: float, total: float) -> int:
    """Kue's progress percentage: ``min(100, done * 100 / total | 0)``, kept within 0..100."""
    for value, name in ((done, "done"), (total, "total")):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidOption(f"invalid progress {name} {value!r}: expected a number")
    try:
        ratio = done * 100 / total
    except ZeroDivisionError:
        return 0
    return max(0, min(100, int(ratio))) if math.isfinite(ratio) else 0


def _job_id(value: int | str) -> int:
    """A job id from user input (``InvalidOption`` if it is not a positive integer)."""
    if isinstance(value, bool):
        raise InvalidOption(f"invalid job id {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidOption(f"invalid job id {value!r}") from None
    if number < 1 or number > 2**53:
        raise InvalidOption(f"invalid job id {value!r}")
    return number


def _created(spec: JobSpec, job_id: int, now: int) -> Job:
    fields = dict(zip(*[iter(spec.hash_fields(now))] * 2, strict=True))
    return Job.from_hash(job_id, fields)
