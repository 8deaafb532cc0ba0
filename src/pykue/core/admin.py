"""Operator actions beyond Kue: guarded moves (retry, promote), bulk actions, bounded search.

Each job move is the ``set_state`` script with an expected state (one atomic step: the job moves
only if it is still in that state). Bulk actions work in batches, so they never load a whole set
at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from pykue.core import codec
from pykue.core.keys import strip_zid, zid
from pykue.core.queue import Queue
from pykue.core.states import JobState
from pykue.errors import InvalidState, JobNotFound

BATCH = 500
SEARCH_WINDOW = 2000


async def move_from(queue: Queue, job_id: int, expected: JobState, new: JobState) -> None:
    """Move job ``job_id`` from ``expected`` to ``new``; ``InvalidState`` if it is elsewhere."""
    job_type = await queue.client.hget(queue.keys.job(job_id), "type")
    if job_type is None:
        raise JobNotFound(job_id)
    old = await _move(queue, [job_id], str(job_type), expected, new)
    if old[0] is None:
        raise JobNotFound(job_id)
    if old[0] != expected.value:
        raise InvalidState(f"job {job_id} is {old[0] or 'in no state'}, not {expected.value}")


async def _move(
    queue: Queue, ids: Sequence[int], job_type: str, expected: JobState, new: JobState
) -> list[str | None]:
    async with queue.client.pipeline(transaction=False) as pipe:
        for job_id in ids:
            keys, args = queue.state_call(job_id, job_type, new.value, expected.value)
            await queue.scripts.call("set_state", keys, args, pipe)
        replies = await pipe.execute()
    return [None if r is None else str(r) for r in replies]


async def retry(queue: Queue, job_id: int) -> None:
    """Queue a failed job again (attempts are not reset: it gets one more run, as Kue's restart)."""
    await move_from(queue, job_id, JobState.FAILED, JobState.INACTIVE)


async def promote(queue: Queue, job_id: int) -> None:
    """Queue a delayed job now."""
    await move_from(queue, job_id, JobState.DELAYED, JobState.INACTIVE)


async def retry_all(queue: Queue, job_type: str) -> int:
    """Queue again every failed job of ``job_type``; returns how many moved."""
    moved, key = 0, queue.keys.type_state(job_type, "failed")
    while True:
        ids = await queue.ids("failed", job_type, 0, BATCH - 1)
        if not ids:
            return moved
        results = await _move(queue, ids, job_type, JobState.FAILED, JobState.INACTIVE)
        moved += sum(1 for r in results if r == "failed")
        # Members whose hash is gone or whose state disagrees would loop forever: drop them.
        stale = [zid(i) for i, r in zip(ids, results, strict=True) if r != "failed"]
        if stale:
            await queue.client.zrem(key, *stale)


async def remove_all(queue: Queue, job_type: str, state: JobState) -> int:
    """Remove every job of ``job_type`` in ``state`` (complete or failed only); returns how many."""
    if state not in (JobState.COMPLETE, JobState.FAILED):
        raise InvalidState("only complete or failed jobs can be removed in bulk")
    removed = 0
    while True:
        ids = await queue.ids(state.value, job_type, 0, BATCH - 1)
        if not ids:
            return removed
        for job_id in ids:
            try:
                await queue.remove(job_id)
                removed += 1
            except JobNotFound:
                await queue.client.zrem(queue.keys.type_state(job_type, state.value), zid(job_id))


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ids found (newest first), how many jobs were looked at, and where to continue."""

    ids: list[int]
    scanned: int
    next_before: int | None


async def search(
    queue: Queue,
    text: str,
    *,
    state: str | None = None,
    job_type: str | None = None,
    before: int | None = None,
    limit: int = 50,
    window: int = SEARCH_WINDOW,
) -> SearchResult:
    """Jobs whose id is ``text``, or whose type or data JSON contains it (any case), newest first.

    Looks at ``window`` job ids at most, counting down from ``before`` (default: the newest id),
    so a search never reads more than ``window`` hashes; ``next_before`` continues it.
    """
    top = before if before is not None else int(await queue.client.get(queue.keys.ids) or 0) + 1
    low = max(1, top - window)
    ids = list(range(top - 1, low - 1, -1))
    async with queue.client.pipeline(transaction=False) as pipe:
        for job_id in ids:
            pipe.hmget(queue.keys.job(job_id), "type", "state", "data")
        replies = await pipe.execute()
    needle, found = text.lower(), []
    for job_id, (jtype, jstate, data) in zip(ids, replies, strict=True):
        if jtype is None or (state and jstate != state) or (job_type and jtype != job_type):
            continue
        if needle == str(job_id) or needle in jtype.lower() or needle in (data or "").lower():
            found.append(job_id)
            if len(found) >= limit:
                return SearchResult(found, top - job_id, job_id)
    return SearchResult(found, len(ids), low if low > 1 else None)


async def cleanup(
    queue: Queue,
    state: JobState,
    older_than_ms: int,
    *,
    job_type: str | None = None,
    dry_run: bool = False,
) -> int:
    """Remove the jobs in ``state`` (of ``job_type``) last updated more than ``older_than_ms``
    ago; returns how many (would be) removed. Scans the state set in batches (``ZSCAN``), so it
    never loads the whole set; active jobs are never cleaned up."""
    if state is JobState.ACTIVE:
        raise InvalidState("active jobs cannot be cleaned up: they are being worked")
    key = queue.keys.type_state(job_type, state.value) if job_type else queue.keys.state(state)
    cutoff, removed = codec.now_ms() - older_than_ms, 0
    async for batch in _scan_batches(queue, key):
        for job_id in await _updated_before(queue, batch, state, cutoff):
            if dry_run:
                removed += 1
                continue
            with contextlib.suppress(JobNotFound):
                await queue.remove(job_id)
                removed += 1
    return removed


async def _scan_batches(queue: Queue, key: str) -> AsyncIterator[list[int]]:
    cursor: int = 0
    while True:
        cursor, members = await queue.client.zscan(key, cursor, count=BATCH)
        if members:
            yield sorted({strip_zid(str(member)) for member, _score in members})
        if cursor == 0:
            return


async def _updated_before(queue: Queue, ids: list[int], state: JobState, cutoff: int) -> list[int]:
    async with queue.client.pipeline(transaction=False) as pipe:
        for job_id in ids:
            pipe.hmget(queue.keys.job(job_id), "state", "updated_at")
        replies = await pipe.execute()
    return [
        job_id
        for job_id, (jstate, updated) in zip(ids, replies, strict=True)
        if jstate == state.value and (codec.to_int(updated, 0) or 0) < cutoff
    ]
