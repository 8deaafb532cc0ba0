"""pykue: a Redis-backed priority job queue and worker cluster, wire-compatible with Kue 0.11."""

from pykue.core.events import Event, Subscription
from pykue.core.job import Job
from pykue.core.queue import Queue
from pykue.core.spec import JobSpec
from pykue.core.states import JobState, Priority
from pykue.core.sync import SyncQueue
from pykue.errors import (
    AppError,
    ConfigError,
    InvalidJobData,
    InvalidOption,
    InvalidPriority,
    InvalidState,
    JobNotFound,
    LeaseLost,
    PykueError,
    RedisUnavailable,
    ValidationError,
)
from pykue.settings import Settings

__version__ = "0.1.0"

__all__ = [
    "AppError",
    "ConfigError",
    "Event",
    "InvalidJobData",
    "InvalidOption",
    "InvalidPriority",
    "InvalidState",
    "Job",
    "JobNotFound",
    "JobSpec",
    "JobState",
    "LeaseLost",
    "Priority",
    "PykueError",
    "Queue",
    "RedisUnavailable",
    "Settings",
    "Subscription",
    "SyncQueue",
    "ValidationError",
    "__version__",
]
