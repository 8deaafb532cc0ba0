"""Exit codes of ``pykue worker`` and of its worker processes."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Why a pykue process ended."""

    OK = 0
    """Stopped on request; every running job finished or was put back."""
    ERROR = 1
    """An unexpected error."""
    USAGE = 2
    """Bad command line (click's own code)."""
    APP_ERROR = 3
    """APP cannot be loaded or is not a Queue."""
    REDIS_UNAVAILABLE = 4
    """Redis cannot be reached."""
    CONFIG_ERROR = 5
    """A setting is invalid."""
    DRAIN_TIMEOUT = 6
    """Workers did not finish draining in time and were killed."""
    INTERRUPTED = 130
    """A second signal: workers were killed without waiting."""
