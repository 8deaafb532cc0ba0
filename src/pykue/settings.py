"""Settings: one frozen object built once from the environment (CLI flags override it).

Every variable, its default and its meaning is listed in ``ENVIRONMENT`` below; the README's
configuration table is this list. An invalid value raises ``ConfigError`` naming the variable.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pykue.errors import ConfigError

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything pykue is configured with. Build with ``Settings.from_env(os.environ)``."""

    redis_url: str | None = None
    redis_cluster: bool = False
    prefix: str = "q"
    host: str = "127.0.0.1"
    kue_port: int = 3000
    dnode_port: int = 3001
    static_path: Path | None = None
    workers: int = dataclasses.field(default_factory=lambda: os.cpu_count() or 1)
    title: str = "Under The Rules"
    log_level: str = "INFO"
    data_dir: Path = Path(".pykue")
    max_payload_bytes: int = 1_048_576
    lease_ms: int = 5_000
    recovery_counts_attempt: bool = True
    promote_interval_ms: int = 200
    drain_timeout_s: float = 30.0
    auth_token: str | None = None
    auth_user: str | None = None
    auth_password: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read every variable of ``ENVIRONMENT`` that is set; ``overrides`` win (CLI flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for var in ENVIRONMENT:
            raw = env.get(var.name)
            if raw is not None and raw != "":
                values[var.field] = var.parse(var.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Check cross-field rules that a single parser cannot."""
        if self.kue_port == self.dnode_port and self.kue_port != 0:
            raise ConfigError(f"KUE_PORT and DNODE_PORT are both {self.kue_port}")
        if not self.prefix:
            raise ConfigError("PYKUE_PREFIX must not be empty")
        if self.redis_url is not None:
            _redis_url("REDIS_URL", self.redis_url)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (None values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def _port(name: str, raw: str) -> int:
    value = _int(name, raw)
    if not 0 <= value <= 65535:
        raise ConfigError(f"{name} must be a port number 0-65535, got {raw!r}")
    return value


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


def _positive(name: str, raw: str) -> int:
    value = _int(name, raw)
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {raw!r}")
    return value


def _seconds(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {raw!r}")
    return value


def _bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _redis_url(name: str, raw: str) -> str:
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"{name} must start with redis://, rediss:// or unix://, got {raw!r}")
    return raw


def _log_level(name: str, raw: str) -> str:
    level = raw.strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"{name} must be one of {', '.join(LOG_LEVELS)}, got {raw!r}")
    return level


def _text(_name: str, raw: str) -> str:
    return raw


def _path(_name: str, raw: str) -> Path:
    return Path(raw)


def markdown_table() -> str:
    """The README's configuration table, generated from ``ENVIRONMENT``."""
    rows = ["| Variable | Meaning |", "| --- | --- |"]
    rows += [f"| `{var.name}` | {var.help.replace('|', '/')} |" for var in ENVIRONMENT]
    return "\n".join(rows)


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One environment variable: its name, the Settings field it sets, and what it means."""

    name: str
    field: str
    parse: Callable[[str, str], Any]
    help: str


ENVIRONMENT: tuple[EnvVar, ...] = (
    EnvVar(
        "REDIS_URL",
        "redis_url",
        _redis_url,
        "Redis to use (redis://, rediss://, unix://); unset: an embedded redis-server",
    ),
    EnvVar(
        "PYKUE_REDIS_CLUSTER",
        "redis_cluster",
        _bool,
        "REDIS_URL is a Redis Cluster node (use a prefix like {q}) (default false)",
    ),
    EnvVar("PYKUE_PREFIX", "prefix", _text, "key prefix, as Kue's `prefix` (default q)"),
    EnvVar("HOST", "host", _text, "address the servers bind to (default 127.0.0.1)"),
    EnvVar("KUE_PORT", "kue_port", _port, "dashboard and JSON API port (default 3000)"),
    EnvVar("DNODE_PORT", "dnode_port", _port, "static files and /dnode RPC port (default 3001)"),
    EnvVar(
        "STATIC_PATH",
        "static_path",
        _path,
        "folder served on DNODE_PORT (default: pykue's demo page)",
    ),
    EnvVar("PYKUE_WORKERS", "workers", _positive, "worker processes (default: one per CPU)"),
    EnvVar("PYKUE_TITLE", "title", _text, 'dashboard title (default "Under The Rules")'),
    EnvVar("LOG_LEVEL", "log_level", _log_level, "DEBUG, INFO, WARNING or ERROR (default INFO)"),
    EnvVar("PYKUE_DATA_DIR", "data_dir", _path, "embedded Redis data folder (default ./.pykue)"),
    EnvVar(
        "PYKUE_MAX_PAYLOAD",
        "max_payload_bytes",
        _positive,
        "largest job data, in bytes of JSON (default 1048576)",
    ),
    EnvVar(
        "PYKUE_LEASE_MS",
        "lease_ms",
        _positive,
        "lease of an active job; a dead worker's jobs return after about this (default 5000)",
    ),
    EnvVar(
        "PYKUE_RECOVERY_COUNTS_ATTEMPT",
        "recovery_counts_attempt",
        _bool,
        "a job recovered from a dead worker spends an attempt (default true)",
    ),
    EnvVar(
        "PYKUE_PROMOTE_INTERVAL_MS",
        "promote_interval_ms",
        _positive,
        "how often delayed jobs are promoted and leases checked (default 200)",
    ),
    EnvVar(
        "PYKUE_DRAIN_TIMEOUT",
        "drain_timeout_s",
        _seconds,
        "seconds running jobs get to finish on shutdown (default 30)",
    ),
    EnvVar("PYKUE_AUTH_TOKEN", "auth_token", _text, "bearer token required by the web and RPC"),
    EnvVar("PYKUE_AUTH_USER", "auth_user", _text, "basic-auth user for the dashboard"),
    EnvVar("PYKUE_AUTH_PASSWORD", "auth_password", _text, "basic-auth password for the dashboard"),
)
