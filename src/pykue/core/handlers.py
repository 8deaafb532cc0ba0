"""What a Queue knows about processing: handlers per job type and the app's RPC methods.

Plain data, filled by the ``Queue.process`` and ``Queue.rpc`` decorators and read by the worker
and RPC layers (core never imports them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pykue.core.backoff import BackoffFunction

Handler = Callable[..., Any]
"""``async def handler(job, ctx)`` or ``def handler(job, ctx)`` (or with ``job`` only)."""


@dataclass(frozen=True, slots=True)
class HandlerSpec:
    """How jobs of one type are processed."""

    job_type: str
    fn: Handler
    concurrency: int = 1
    backoff: BackoffFunction | None = None

    @property
    def is_async(self) -> bool:
        import inspect

        return inspect.iscoroutinefunction(self.fn)
