"""Module-level backoff functions for the retry tests (jobs store their import path)."""

from __future__ import annotations


def linear(made: int, previous: int) -> int:
    return made * 25


def doubling(made: int, previous: int) -> int:
    return 10 if not previous else previous * 2
