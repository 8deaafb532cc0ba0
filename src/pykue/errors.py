"""pykue's exception tree: every error pykue raises on purpose is a ``PykueError``.

::

    PykueError
    ├── ConfigError            a setting (environment variable or flag) is invalid
    ├── RedisUnavailable       Redis cannot be reached or the embedded Redis did not start
    ├── ValidationError        bad input: the operation wrote nothing
    │   ├── InvalidPriority    an unknown priority name or a non-integer priority
    │   ├── InvalidState       a state that is not one of Kue's five
    │   ├── InvalidJobData     data that is not JSON-serialisable, or over the size limit
    │   └── InvalidOption      a negative delay, a missing type, a bad backoff, ...
    ├── JobNotFound            no job with that id
    ├── LeaseLost              a worker tried to finish a job whose lease another worker took over
    ├── RpcError               an RPC call answered with an error, or its connection ended
    └── AppError               an APP reference (``module:attribute``) cannot be loaded
"""

from __future__ import annotations


class PykueError(Exception):
    """Base class of every error pykue raises on purpose."""


class ConfigError(PykueError):
    """A setting is invalid; the message names the variable or flag."""


class RedisUnavailable(PykueError):
    """Redis cannot be reached, or the embedded redis-server did not start."""


class ValidationError(PykueError):
    """Bad input: nothing was written."""


class InvalidPriority(ValidationError):
    """An unknown priority name or a value that is not an integer."""


class InvalidState(ValidationError):
    """A state that is not one of inactive, active, complete, failed, delayed."""


class InvalidJobData(ValidationError):
    """Job data (or a result) that is not JSON-serialisable or is too large."""


class InvalidOption(ValidationError):
    """Any other invalid job option: missing type, negative delay, bad backoff..."""


class JobNotFound(PykueError):
    """No job with that id exists."""

    def __init__(self, job_id: int | str) -> None:
        super().__init__(f'job "{job_id}" doesnt exist')
        self.job_id = job_id


class LeaseLost(PykueError):
    """The job's lease was taken over (the job was recovered); this worker may not finish it."""


class RpcError(PykueError):
    """An RPC call was answered with an error, or its connection ended first."""


class AppError(PykueError):
    """An APP reference cannot be imported or is not a pykue Queue."""
