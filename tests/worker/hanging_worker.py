"""A worker process whose handler never returns (killed with SIGKILL by a test).

Usage: python -m tests.worker.hanging_worker REDIS_URL LEASE_MS
"""

from __future__ import annotations

import asyncio
import sys

from pykue import Queue, Settings
from pykue.core.job import Job
from pykue.worker import Worker


async def main(url: str, lease_ms: int) -> None:
    queue = Queue(settings=Settings.from_env({}, redis_url=url, lease_ms=lease_ms))

    @queue.process("hang")
    async def hang(job: Job) -> None:
        await asyncio.sleep(3600)

    worker = Worker(queue, housekeeping=False, poll_s=0.2)
    await worker.start()
    print("ready", flush=True)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
