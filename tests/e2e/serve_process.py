"""``pykue serve`` as a real subprocess on free ports, with its own embedded Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]


class ServeProcess:
    """Start with ``start()``; ``stop()`` sends SIGTERM and returns the exit code."""

    def __init__(self, data_dir: Path, *args: str, **env: str) -> None:
        self.kue_port = free_port()
        self.dnode_port = free_port()
        self.args = args
        self.env = {
            **os.environ,
            "PYKUE_DATA_DIR": str(data_dir),
            "KUE_PORT": str(self.kue_port),
            "DNODE_PORT": str(self.dnode_port),
            "PYKUE_WORKERS": "2",
            "PYKUE_DRAIN_TIMEOUT": "5",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.env.pop("REDIS_URL", None)
        self.env.update(env)
        self.process: subprocess.Popen[str] | None = None
        self.lines: list[str] = []
        self._banner = threading.Event()

    @property
    def kue(self) -> str:
        return f"http://127.0.0.1:{self.kue_port}"

    @property
    def dnode(self) -> str:
        return f"http://127.0.0.1:{self.dnode_port}"

    def start(self, timeout: float = 30) -> ServeProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pykue.cli", "serve", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        if not self._banner.wait(timeout):
            self.kill()
            raise AssertionError("pykue serve did not start:\n" + "".join(self.lines))
        return self

    def _read(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if line.startswith("Web: http"):
                self._banner.set()

    def wait_exit(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self, timeout: float = 20) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        code = self.process.wait(timeout)
        self.stop_seconds = time.monotonic() - started
        return code

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    @property
    def output(self) -> str:
        return "".join(self.lines)
