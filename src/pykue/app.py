"""pykue's built-in app, the seed's: ``echo`` jobs are logged and completed.

Run it with ``pykue worker`` (same as ``pykue worker pykue.app:queue``). The seed's RPC methods
are registered on this same ``queue`` with ``@queue.rpc``.
"""

from __future__ import annotations

import logging

from pykue.core.job import Job
from pykue.core.queue import Queue

log = logging.getLogger("pykue.app")

queue = Queue()


@queue.process("echo")
async def echo(job: Job) -> None:
    """Log the job's data; the job completes."""
    log.info("echo %s", job.data)
