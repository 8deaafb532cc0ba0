"""Logging for the supervisor and its workers: every line carries who wrote it."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s [%(who)s] %(name)s: %(message)s"


class _Who(logging.Filter):
    def __init__(self, who: str) -> None:
        super().__init__()
        self.who = who

    def filter(self, record: logging.LogRecord) -> bool:
        record.who = self.who
        return True


def setup(level: str, who: str) -> None:
    """Log to stderr at ``level``; ``who`` (``supervisor``, ``worker-2``) tags every line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_Who(who))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
