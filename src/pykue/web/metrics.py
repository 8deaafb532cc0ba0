"""``GET /metrics`` (Prometheus text format, computed from Redis at scrape time) and
``GET /healthz``.

Gauges: jobs per state and type (ZCARD of every ``q:jobs:<type>:<state>``), workers alive.
Counters: jobs completed/failed per type and the processing-time histogram, read from the keys
pykue workers write (``q:pykue:stats:*``); missing or odd values read as 0, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from pykue.core import codec
from pykue.core.keys import DURATION_BUCKETS_MS, STATES
from pykue.core.queue import Queue
from pykue.web.responses import json
from pykue.web.state import queue_of, settings_of

ALIVE_FACTOR = 3


class _Snapshot(Collector):
    """A collector that yields metric families computed beforehand."""

    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self._families)


async def workers_alive(queue: Queue, lease_ms: int) -> int:
    """Workers whose last heartbeat is recent (within a few leases)."""
    since = codec.now_ms() - ALIVE_FACTOR * lease_ms
    return int(await queue.client.zcount(queue.keys.workers, since, "+inf"))


async def _job_counts(queue: Queue, types: list[str]) -> list[int]:
    async with queue.client.pipeline(transaction=False) as pipe:
        for job_type in types:
            for state in STATES:
                pipe.zcard(queue.keys.type_state(job_type, state))
        return [int(c) for c in await pipe.execute()]


def _by_type(raw: Mapping[str, str]) -> dict[str, int]:
    return {t: max(0, codec.to_int(v, 0) or 0) for t, v in raw.items()}


def _histogram(raw: Mapping[str, str]) -> HistogramMetricFamily:
    family = HistogramMetricFamily(
        "pykue_job_duration_seconds", "Processing time of completed jobs", labels=["type"]
    )
    for job_type in sorted({k.rpartition("|")[0] for k in raw if "|" in k}):
        buckets: list[tuple[str, float]] = []
        running = 0
        for le in DURATION_BUCKETS_MS:
            running = max(running, codec.to_int(raw.get(f"{job_type}|{le}"), 0) or 0)
            buckets.append((repr(le / 1000), running))
        count = max(running, codec.to_int(raw.get(f"{job_type}|count"), 0) or 0)
        buckets.append(("+Inf", max(count, codec.to_int(raw.get(f"{job_type}|+Inf"), 0) or 0)))
        total_ms = codec.to_int(raw.get(f"{job_type}|sum"), 0) or 0
        family.add_metric([job_type], buckets, total_ms / 1000)
    return family


def _counter(name: str, doc: str, values: Mapping[str, int]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, doc, labels=["type"])
    for job_type, value in sorted(values.items()):
        family.add_metric([job_type], value)
    return family


async def collect(queue: Queue, lease_ms: int) -> list[Metric]:
    """Every metric family, read from Redis now."""
    types = await queue.types()
    counts = await _job_counts(queue, types)
    k = queue.keys
    async with queue.client.pipeline(transaction=False) as pipe:
        pipe.hgetall(k.counter("completed"))
        pipe.hgetall(k.counter("failed"))
        pipe.hgetall(k.durations)
        pipe.get(k.work_time)
        completed, failed, durations, work_time = await pipe.execute()
    jobs = GaugeMetricFamily("pykue_jobs", "Jobs per type and state", labels=["type", "state"])
    pairs: Iterable[tuple[str, str]] = ((t, s) for t in types for s in STATES)
    for (job_type, state), count in zip(pairs, counts, strict=True):
        jobs.add_metric([job_type, state], count)
    alive = GaugeMetricFamily("pykue_workers_alive", "Workers with a recent heartbeat")
    alive.add_metric([], await workers_alive(queue, lease_ms))
    work = CounterMetricFamily("pykue_work_time_seconds", "Kue's total work time")
    work.add_metric([], (codec.to_int(work_time, 0) or 0) / 1000)
    return [
        jobs,
        _counter("pykue_jobs_completed", "Jobs completed", _by_type(completed)),
        _counter("pykue_jobs_failed", "Jobs failed for good", _by_type(failed)),
        _histogram(durations),
        alive,
        work,
    ]


async def metrics(request: web.Request) -> web.Response:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(await collect(queue_of(request), settings_of(request).lease_ms)))
    body = generate_latest(registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def healthz(request: web.Request) -> web.Response:
    """200 if Redis answers (503 otherwise); ``?workers=1`` also needs a live worker."""
    queue = queue_of(request)
    try:
        await queue.client.ping()
        alive = await workers_alive(queue, settings_of(request).lease_ms)
    except (RedisError, OSError) as exc:
        return json({"status": "error", "redis": False, "error": str(exc)}, 503)
    want_workers = request.query.get("workers") in ("1", "true")
    ok = alive > 0 or not want_workers
    body = {"status": "ok" if ok else "no workers", "redis": True, "workers": alive}
    return json(body, 200 if ok else 503)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
