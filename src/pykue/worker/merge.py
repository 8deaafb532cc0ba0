"""Script calls that can run as one: several ``complete`` calls of one job type become one
variadic ``complete.lua`` call (its counters are then written once for the whole batch).

A variadic script's KEYS and ARGV start with a shared part (the same for every job of a type)
followed by the per-job part; its reply is a list with one entry per job.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pykue.core.scripts import Arg
from pykue.worker.scripts import Call, Key

VARIADIC: dict[str, tuple[int, int]] = {"complete": (11, 1)}
"""Script name -> (shared KEYS, shared ARGV) at the start of each of its calls."""
MAX_JOBS = 64
"""At most this many jobs in one merged call (keeps each script run short)."""

WHOLE = -1
"""Where a call that was not merged finds its result: the whole reply."""


def merge(calls: Sequence[Call]) -> tuple[list[Call], list[tuple[int, int]]]:
    """The calls to send, and where each input call's result is: ``(index of the call sent,
    entry in its reply)`` (``WHOLE`` for a call sent as it was)."""
    out: list[Call] = []
    where: list[tuple[int, int]] = []
    groups: dict[tuple[Any, ...], tuple[list[Key], list[Arg], int, int]] = {}
    for name, keys, args in calls:
        shape = VARIADIC.get(name)
        if shape is None:
            where.append((len(out), WHOLE))
            out.append((name, keys, args))
            continue
        group = (name, *keys[: shape[0]], *args[: shape[1]])
        entry = groups.get(group)
        if entry is None or entry[3] >= MAX_JOBS:
            entry = ([*keys[: shape[0]]], [*args[: shape[1]]], len(out), 0)
            out.append((name, entry[0], entry[1]))
        entry[0].extend(keys[shape[0] :])
        entry[1].extend(args[shape[1] :])
        groups[group] = (entry[0], entry[1], entry[2], entry[3] + 1)
        where.append((entry[2], entry[3]))
    return out, where


def split(where: Sequence[tuple[int, int]], replies: Sequence[Any]) -> list[Any]:
    """Each input call's result from the replies of the merged calls (an error stays whole)."""
    results: list[Any] = []
    for index, entry in where:
        reply = replies[index]
        results.append(reply if entry == WHOLE or isinstance(reply, Exception) else reply[entry])
    return results
