"""pykue quick start: produce a job, and define the handler a worker runs for it.

    REDIS_URL=redis://127.0.0.1:6379/0 python examples/quickstart.py   # produce
    pykue worker examples.quickstart:queue                             # process (see "Workers")

Without REDIS_URL, pykue starts an embedded Redis under ./.pykue (jobs survive restarts).
"""

from __future__ import annotations

import asyncio
from typing import Any

from pykue import Job, Queue

queue = Queue()


@queue.process("email", concurrency=2)
async def send_email(job: Job, ctx: Any) -> dict[str, str]:
    """Runs in a pykue worker for every ``email`` job; the result is stored with the job."""
    return {"sent_to": job.data["to"]}


async def main() -> None:
    async with queue:
        job = await queue.create(
            "email",
            {"to": "ada@example.com", "title": "Welcome"},
            priority="high",
            attempts=3,
            backoff={"type": "exponential", "delay": 1000},
        )
        print(f"created job {job.id} ({job.state}, priority {job.priority})")
        print("waiting:", await queue.ids("inactive", "email"))
        print("stats:", await queue.stats())


if __name__ == "__main__":
    asyncio.run(main())
