"""Settings.from_env: every variable, and a clear ConfigError naming a bad one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pykue import ConfigError, Settings
from pykue.settings import ENVIRONMENT

GOOD: list[tuple[str, str, str, Any]] = [
    ("REDIS_URL", "redis://127.0.0.1:6379/2", "redis_url", "redis://127.0.0.1:6379/2"),
    ("REDIS_URL", "unix:///tmp/r.sock", "redis_url", "unix:///tmp/r.sock"),
    ("REDIS_URL", "rediss://h:6380", "redis_url", "rediss://h:6380"),
    ("PYKUE_REDIS_CLUSTER", "true", "redis_cluster", True),
    ("PYKUE_PREFIX", "{q}", "prefix", "{q}"),
    ("HOST", "0.0.0.0", "host", "0.0.0.0"),
    ("KUE_PORT", "4000", "kue_port", 4000),
    ("DNODE_PORT", "4001", "dnode_port", 4001),
    ("STATIC_PATH", "/srv/www", "static_path", Path("/srv/www")),
    ("PYKUE_WORKERS", "3", "workers", 3),
    ("PYKUE_TITLE", "My Jobs", "title", "My Jobs"),
    ("LOG_LEVEL", "debug", "log_level", "DEBUG"),
    ("PYKUE_DATA_DIR", "/var/lib/pykue", "data_dir", Path("/var/lib/pykue")),
    ("PYKUE_MAX_PAYLOAD", "2048", "max_payload_bytes", 2048),
    ("PYKUE_LEASE_MS", "9000", "lease_ms", 9000),
    ("PYKUE_RECOVERY_COUNTS_ATTEMPT", "no", "recovery_counts_attempt", False),
    ("PYKUE_PROMOTE_INTERVAL_MS", "50", "promote_interval_ms", 50),
    ("PYKUE_DRAIN_TIMEOUT", "2.5", "drain_timeout_s", 2.5),
    ("PYKUE_AUTH_TOKEN", "s3cret", "auth_token", "s3cret"),
    ("PYKUE_AUTH_USER", "admin", "auth_user", "admin"),
    ("PYKUE_AUTH_PASSWORD", "pw", "auth_password", "pw"),
]


@pytest.mark.parametrize(("var", "raw", "field", "value"), GOOD)
def test_each_variable(var: str, raw: str, field: str, value: Any) -> None:
    assert getattr(Settings.from_env({var: raw}), field) == value


def test_every_variable_is_tested() -> None:
    assert {v.name for v in ENVIRONMENT} <= {g[0] for g in GOOD}


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.redis_url is None
    assert settings.prefix == "q"
    assert (settings.kue_port, settings.dnode_port) == (3000, 3001)
    assert settings.title == "Under The Rules"
    assert settings.log_level == "INFO"
    assert settings.data_dir == Path(".pykue")
    assert settings.workers >= 1
    assert settings.redis_cluster is False


BAD: list[tuple[str, str]] = [
    ("REDIS_URL", "http://localhost"),
    ("REDIS_URL", "localhost:6379"),
    ("PYKUE_REDIS_CLUSTER", "maybe"),
    ("KUE_PORT", "abc"),
    ("KUE_PORT", "70000"),
    ("DNODE_PORT", "-1"),
    ("PYKUE_WORKERS", "0"),
    ("PYKUE_WORKERS", "two"),
    ("LOG_LEVEL", "LOUD"),
    ("PYKUE_MAX_PAYLOAD", "0"),
    ("PYKUE_LEASE_MS", "1.5"),
    ("PYKUE_RECOVERY_COUNTS_ATTEMPT", "perhaps"),
    ("PYKUE_PROMOTE_INTERVAL_MS", "-5"),
    ("PYKUE_DRAIN_TIMEOUT", "-1"),
    ("PYKUE_DRAIN_TIMEOUT", "soon"),
]


@pytest.mark.parametrize(("var", "raw"), BAD)
def test_invalid_value_names_the_variable(var: str, raw: str) -> None:
    with pytest.raises(ConfigError, match=var):
        Settings.from_env({var: raw})


def test_same_ports_rejected() -> None:
    with pytest.raises(ConfigError, match="KUE_PORT and DNODE_PORT"):
        Settings.from_env({"KUE_PORT": "5000", "DNODE_PORT": "5000"})


def test_empty_value_means_default() -> None:
    assert Settings.from_env({"KUE_PORT": ""}).kue_port == 3000


def test_overrides_win() -> None:
    settings = Settings.from_env({"PYKUE_PREFIX": "a"}, prefix="b", redis_url=None)
    assert settings.prefix == "b"
    assert settings.replace(kue_port=1, title=None).kue_port == 1
