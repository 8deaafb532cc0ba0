"""Apps run by the cluster tests through ``pykue worker tests.cluster.apps:<name>``."""

from __future__ import annotations

import asyncio

from pykue import Queue
from pykue.core.job import Job

RUNS_KEY = "test:runs"
"""Every handler run appends its job id here (outside Kue's keys), to count duplicates."""

chaos = Queue()


@chaos.process("chaos", concurrency=10)
async def chaos_job(job: Job) -> None:
    await chaos.client.rpush(RUNS_KEY, job.id)
    await asyncio.sleep(0.03)


slow = Queue()


@slow.process("slow", concurrency=4)
async def slow_job(job: Job) -> str:
    await asyncio.sleep(float(job.data.get("seconds", 0.5)))
    return "slept"


not_a_queue = object()
