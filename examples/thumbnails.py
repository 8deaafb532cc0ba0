"""An example pykue app: thumbnails made in the background, requested over RPC.

Run the whole system with it::

    pykue serve examples/thumbnails.py:queue

Then call ``thumbnail("cat.png", cb)`` over dnode (the demo page, ``pykue.rpc.client``, or Node's
dnode), watch job progress on the dashboard, or enqueue from a shell::

    pykue enqueue thumbnail '{"image": "cat.png"}'
"""

from __future__ import annotations

import asyncio
from typing import Any

from pykue import Job, Queue
from pykue.errors import InvalidJobData

queue = Queue()

SIZES = (64, 128, 256)


@queue.process("thumbnail", concurrency=4)
async def make_thumbnail(job: Job, ctx: Any) -> dict[str, list[str]]:
    """Make one thumbnail per size, reporting progress and logging each step."""
    image = job.data["image"]
    made = []
    for done, size in enumerate(SIZES, start=1):
        await asyncio.sleep(0.02)  # the real work would go here
        made.append(f"{image}@{size}px")
        await ctx.log("made the %dpx thumbnail of %s", size, image)
        await ctx.progress(done, len(SIZES), {"size": size})
    return {"thumbnails": made}


@queue.rpc
async def thumbnail(image: Any, _callback: Any = None) -> int:
    """RPC ``thumbnail(image, cb)``: queue a thumbnail job; ``cb(null, job_id)``."""
    if not isinstance(image, str) or not image:
        raise InvalidJobData("thumbnail needs an image name")
    job = await queue.create(
        "thumbnail",
        {"title": f"thumbnail of {image}", "image": image},
        attempts=3,
        backoff={"type": "exponential", "delay": 500},
    )
    return job.id
