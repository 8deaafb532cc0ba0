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
from pykue.core.keys import Keys, zid
from pykue.core.scripts import source
from pykue.core.spec import JobSpec

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


def create_args(keys: Keys, job_id: int, spec: JobSpec) -> tuple[list[str], list[str | int]]:
    now = int(time.time() * 1000)
    ks = [
        keys.job(job_id),
        keys.jobs,
        keys.types,
        keys.state("inactive"),
        keys.type_state(spec.type, "inactive"),
        keys.tokens(spec.type),
    ]
    args: list[str | int] = [job_id, zid(job_id), spec.type, 0, "inactive", now, keys.events]
    return ks, [*args, *spec.hash_fields(now)]


async def floors(url: str, n: int) -> None:
    client = aredis.Redis.from_url(url, decode_responses=True)
    keys, spec = Keys("q"), JobSpec.build("noop", {"t": 0.0})
    sha = await client.script_load(source("create"))

    async def two(i: int) -> object:
        job_id = int(await client.incr(keys.ids))
        ks, args = create_args(keys, job_id, spec)
        return await client.evalsha(sha, len(ks), *ks, *args)

    async def one(i: int) -> object:
        ks, args = create_args(keys, i + 1, spec)
        return await client.evalsha(sha, len(ks), *ks, *args)

    await client.flushall()
    await rate("floor: 2 rtt", n, two)
    await client.flushall()
    await rate("floor: 1 rtt", n, one)
    noop_sha = await client.script_load("return 1")

    async def noop_script(i: int) -> object:
        ks, args = create_args(keys, i + 1, spec)
        return await client.evalsha(noop_sha, len(ks), *ks, *args)

    await rate("floor: no-op script", n, noop_script)
    await rate("floor: PING", n, lambda i: client.ping())

    async def pipeline_1000(i: int) -> object:
        async with client.pipeline(transaction=False) as pipe:
            for j in range(1000):
                ks, args = create_args(keys, i * 1000 + j + 1, spec)
                pipe.evalsha(sha, len(ks), *ks, *args)
            return await pipe.execute()

    await client.flushall()
    await rate("floor: pipeline(1000)", n // 1000 * ROUNDS, pipeline_1000)
    print("  (pipeline: the figure is calls/s; times 1000 for jobs/s)")
    await client.flushall()
    await client.aclose()


async def gather_50(queue: Queue) -> object:
    return await asyncio.gather(*(queue.create("noop", {"t": 0.0}) for _ in range(50)))


async def pykue_rates(url: str, n: int, profile: bool, hiredis_pack: bool = False) -> None:
    if hiredis_pack:
        print("-- pykue with hiredis command packing (experiment)")
        client = aredis.Redis.from_url(
            url, decode_responses=True, connection_class=HiredisPackConnection
        )
        queue = await Queue(client=client).connect()
    else:
        queue = await Queue(url).connect()
    await queue.client.flushall()
    await rate("pykue create", n, lambda i: queue.create("noop", {"t": 0.0}))
    await queue.client.flushall()
    await rate("pykue create x50 gather", n, lambda i: gather_50(queue))
    print("  (x50 gather: the figure is batches/s; times 50 for jobs/s)")
    await queue.client.flushall()
    batch = [{"type": "noop", "data": {"t": 0.0}}] * 1000
    await rate("create_many(1000)", n // 1000 * ROUNDS, lambda i: queue.create_many(batch))
    print("  (create_many: the figure is calls/s; times 1000 for jobs/s)")
    if profile:
        from pyinstrument import Profiler

        await queue.client.flushall()
        with Profiler(async_mode="enabled") as profiler:
            await rate("pykue create (prof.)", n, lambda i: queue.create("noop", {"t": 0.0}))
        print(profiler.output_text(color=False, show_all=False))
    await queue.client.flushall()
    await queue.close()
    if hiredis_pack:
        await client.aclose()


async def main(n: int, profile: bool) -> None:
    server = RedisServer().start()
    try:
        await floors(server.url, n)
        await pykue_rates(server.url, n, profile)
        await pykue_rates(server.url, n, False, hiredis_pack=True)
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
