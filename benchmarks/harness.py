"""The workload of one system, run in a child process of ``run.py``:

``python harness.py PEER_KEY OUT.json`` with ``BENCH_REDIS_URL`` set. Writes one result dict.

1. bulk enqueue of N jobs (if the system has a bulk API), Redis flushed before and after;
2. single-call enqueue of N jobs, and Redis memory per 100,000 queued jobs from those;
3. process: the workers start on the N queued jobs -> jobs/s from first start to last completion;
4. latency: idle workers (warmed up), 1,000 jobs at 200/s -> enqueue-to-start p50/p99;
5. RSS of the largest worker process.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import redis
from peers.base import Peer
from peers.registry import load
from workers import Totals, Workers

N = int(os.environ.get("BENCH_N", "20000"))
LATENCY_JOBS = int(os.environ.get("BENCH_LATENCY_JOBS", "1000"))
LATENCY_RATE = 200.0
PROCESS_TIMEOUT_S = float(os.environ.get("BENCH_PROCESS_TIMEOUT", "45"))
WARMUP_JOBS = 4
WARMUP_TIMEOUT_S = 30.0
LATENCY_GRACE_S = 10.0


def used_memory(client: redis.Redis) -> int:
    return int(client.info("memory")["used_memory"])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def enqueue_phases(peer: Peer, client: redis.Redis, result: dict[str, Any]) -> None:
    if peer.has_bulk:
        client.flushall()
        result["bulk_enqueue_per_s"] = N / await peer.send_bulk(N)
    client.flushall()
    await asyncio.sleep(0.2)
    before = used_memory(client)
    result["enqueue_per_s"] = N / await peer.send(N, 0, "zero")
    after = used_memory(client)
    result["redis_mb_per_100k"] = (after - before) * 100_000 / N / 2**20


def process_phase(workers: Workers, result: dict[str, Any]) -> bool:
    workers.start()
    totals, reason = workers.wait(lambda t: t.count >= N, PROCESS_TIMEOUT_S)
    if totals.count and totals.last > totals.first:
        result["process_per_s"] = totals.count / (totals.last - totals.first)
    if reason:
        result["process_note"] = f"{totals.count}/{N} jobs done: {reason[:300]}"
    return not reason


async def latency_phase(peer: Peer, workers: Workers, result: dict[str, Any]) -> None:
    await peer.send(WARMUP_JOBS, 0, "warm")
    totals, reason = workers.wait(lambda t: t.warm >= WARMUP_JOBS, WARMUP_TIMEOUT_S)
    if reason:
        result["latency_note"] = f"warm-up: {reason[:300]}"
        return
    await peer.send(LATENCY_JOBS, LATENCY_RATE, "now")
    totals, reason = workers.wait(lambda t: len(t.latencies) >= LATENCY_JOBS, LATENCY_GRACE_S)
    record_latency(totals, result)
    if reason:
        result["latency_note"] = f"{len(totals.latencies)}/{LATENCY_JOBS} started: {reason[:300]}"


def record_latency(totals: Totals, result: dict[str, Any]) -> None:
    if totals.latencies:
        ms = [x * 1000 for x in totals.latencies]
        result["p50_ms"] = percentile(ms, 0.50)
        result["p99_ms"] = percentile(ms, 0.99)
        result["mean_ms"] = statistics.fmean(ms)


async def worker_phases(peer: Peer, client: redis.Redis, result: dict[str, Any]) -> None:
    stats_dir = Path(tempfile.mkdtemp(prefix="pykue-bench-"))
    workers = Workers(peer.worker_commands(), stats_dir)
    try:
        if not process_phase(workers, result):
            workers.stop()
            client.flushall()
            workers.start()
        await latency_phase(peer, workers, result)
        result["worker_rss_mb"] = workers.max_rss_mb()
    finally:
        workers.stop()


async def run(peer: Peer, result: dict[str, Any]) -> None:
    client = redis.Redis.from_url(os.environ["BENCH_REDIS_URL"])
    await peer.setup()
    try:
        await enqueue_phases(peer, client, result)
        if peer.unsupported:
            result["process_note"] = peer.unsupported
        else:
            await worker_phases(peer, client, result)
    finally:
        await peer.close()
        client.flushall()
        client.close()


def main(key: str, out: Path) -> None:
    result: dict[str, Any] = {"key": key}
    try:
        peer = load(key)
        result.update(name=peer.name, version=peer.version, note=peer.note)
        asyncio.run(run(peer, result))
        result["ok"] = True
    except Exception as exc:  # a broken peer is recorded, never fatal to the run
        result["ok"] = False
        result["error"] = f"{type(exc).__name__}: {exc}"[:500]
        traceback.print_exc()
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
