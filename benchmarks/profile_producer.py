"""What bounds pykue's producer: timings of the create path against the floor of its round trips.

    benchmarks/.venv/bin/python benchmarks/profile_producer.py [--n 20000] [--profile]

Runs on a private redis-server and prints jobs/s for:
  pykue create        Queue.create per job (INCR + EVALSHA: 2 round trips)
  floor: 2 rtt        raw redis-py: INCR then EVALSHA of create.lua with the same KEYS/ARGV
  floor: 1 rtt        raw redis-py: the EVALSHA alone (what 1 round trip per job would give)
  floor: no-op script   raw redis-py: EVALSHA of `return 1` with the same KEYS/ARGV (client cost)
  floor: pipeline(1000)  raw redis-py: 1,000 such EVALSHAs in one pipeline (floor of create_many)
  floor: PING         raw redis-py: one PING per job (client + server overhead of a round trip)
  pykue create x50 gather  50 concurrent Queue.create calls at a time (connection pool)
  pykue create_many   Queue.create_many in one call
With --profile, a pyinstrument profile of Queue.create is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

import hiredis
import redis.asyncio as aredis
from redis.asyncio.connection import Connection
from redis_server import RedisServer

from pykue import Queue
from pykue.core.keys import Keys
from pykue.core.scripts import source

ROUNDS = 5


class HiredisPackConnection(Connection):
    """An experiment: redis-py's asyncio client packs commands in pure Python (its sync client
    uses hiredis.pack_command); this connection packs with hiredis instead."""

    def pack_command(self, *args: object) -> list[bytes]:
        first = args[0]
        if isinstance(first, str) and " " in first:
            args = (*first.split(), *args[1:])
        return [hiredis.pack_command(args)]


async def rate(label: str, n: int, step: Callable[[int], Awaitable[object]]) -> float:
    """The best of ``ROUNDS`` rounds of ``n / ROUNDS`` steps (robust to a busy machine)."""
    size, best = n // ROUNDS, float("inf")
    for r in range(ROUNDS):
        start = time.perf_counter()
        for i in range(r * size, (r + 1) * size):
            await step(i)
        best = min(best, time.perf_counter() - start)
    per_s = size / best
    print(f"{label:<22} {per_s:>10,.0f} jobs/s  {1e6 / per_s:>7.1f} us/job", flush=True)
    return per_s


class Capture:
    """Stands in for a client to record the exact EVALSHA that ``Queue._save`` sends."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    async def evalsha(self, *args: object) -> None:
        self.calls.append(args)


async def create_commands(url: str, n: int) -> list[tuple[object, ...]]:
    """The EVALSHA arguments pykue sends for jobs 1..n (built before any timing)."""
    queue, capture = Queue(url), Capture()
    spec, now = queue.spec("noop", {"t": 0}), int(time.time() * 1000)
    for job_id in range(1, n + 1):
        await queue._save(spec, job_id, now, capture)
    return capture.calls


async def floors(url: str, n: int) -> None:
    client = aredis.Redis.from_url(url, decode_responses=True)
    commands = await create_commands(url, n)
    await client.script_load(source("create"))
    ids_key = Keys("q").ids

    async def two(i: int) -> object:
        await client.incr(ids_key)
        return await client.evalsha(*commands[i])

    await client.flushall()
    await rate("floor: 2 rtt", n, two)
    await client.flushall()
    await rate("floor: 1 rtt", n, lambda i: client.evalsha(*commands[i]))
    noop_sha = await client.script_load("return 1")
    await rate("floor: no-op script", n, lambda i: client.evalsha(noop_sha, *commands[i][1:]))
    await rate("floor: PING", n, lambda i: client.ping())

    async def pipeline_1000(i: int) -> object:
        async with client.pipeline(transaction=False) as pipe:
            for j in range(1000):
                pipe.evalsha(*commands[(i * 1000 + j) % n])
            return await pipe.execute()

    await client.flushall()
    await rate("floor: pipeline(1000)", n // 1000 * ROUNDS, pipeline_1000)
    print("  (pipeline: the figure is calls/s; times 1000 for jobs/s)")
    await client.flushall()
    await client.aclose()


async def gather_50(queue: Queue) -> object:
    return await asyncio.gather(*(queue.create("noop", {"t": 0}) for _ in range(50)))


async def pykue_rates(queue: Queue, n: int, profile: bool) -> None:
    await queue.connect()
    await queue.client.flushall()
    await rate("pykue create", n, lambda i: queue.create("noop", {"t": 0}))
    await queue.client.flushall()
    await rate("pykue create x50 gather", n, lambda i: gather_50(queue))
    print("  (x50 gather: the figure is batches/s; times 50 for jobs/s)")
    await queue.client.flushall()
    batch = [{"type": "noop", "data": {"t": 0}}] * 1000
    await rate("create_many(1000)", n // 1000 * ROUNDS, lambda i: queue.create_many(batch))
    print("  (create_many: the figure is calls/s; times 1000 for jobs/s)")
    if profile:
        from pyinstrument import Profiler

        await queue.client.flushall()
        with Profiler(async_mode="enabled") as profiler:
            await rate("pykue create (prof.)", n, lambda i: queue.create("noop", {"t": 0}))
        print(profiler.output_text(color=False, show_all=False))
    await queue.client.flushall()
    await queue.close()


async def variants(url: str, n: int, profile: bool) -> None:
    print("-- pykue as configured (Queue(url))")
    await pykue_rates(Queue(url), n, profile)
    print("-- pykue on a plain (non-blocking) connection pool (experiment)")
    plain = aredis.Redis.from_url(url, decode_responses=True)
    await pykue_rates(Queue(client=plain), n, False)
    await plain.aclose()
    print("-- pykue with hiredis command packing (experiment)")
    packed = aredis.Redis.from_url(
        url, decode_responses=True, connection_class=HiredisPackConnection
    )
    await pykue_rates(Queue(client=packed), n, False)
    await packed.aclose()


async def main(n: int, profile: bool) -> None:
    server = RedisServer().start()
    try:
        await floors(server.url, n)
        await variants(server.url, n, profile)
    finally:
        server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--uvloop", action="store_true", help="run the producer on uvloop")
    options = parser.parse_args()
    if options.uvloop:
        import uvloop

        uvloop.run(main(options.n, options.profile))
    else:
        asyncio.run(main(options.n, options.profile))
