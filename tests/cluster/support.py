"""Running ``pykue worker`` as a real process and watching its log."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]


class WorkerCommand:
    """``pykue worker APP -n N`` in a subprocess; its stderr lines are collected."""

    def __init__(self, redis_url: str, app: str, processes: int, **env: str) -> None:
        environ = {
            **os.environ,
            "REDIS_URL": redis_url,
            "PYKUE_LEASE_MS": "1000",
            "PYKUE_PROMOTE_INTERVAL_MS": "100",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pykue.cli", "worker", app, "--processes", str(processes)],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=environ,
            cwd=ROOT,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def count(self, pattern: str) -> int:
        regex = re.compile(pattern)
        return sum(1 for line in list(self.lines) if regex.search(line))

    def wait_for(self, pattern: str, times: int = 1, within: float = 30.0) -> None:
        deadline = time.monotonic() + within
        while self.count(pattern) < times:
            if time.monotonic() > deadline or self.process.poll() is not None:
                log = "\n".join(self.lines[-30:])
                raise AssertionError(f"{pattern!r} x{times} not logged; last lines:\n{log}")
            time.sleep(0.05)

    def children(self) -> list[int]:
        try:
            return [c.pid for c in psutil.Process(self.process.pid).children()]
        except psutil.NoSuchProcess:
            return []

    def workers(self) -> list[int]:
        """Pids of the worker processes (spawn also starts a resource tracker: skip it)."""
        found = []
        for pid in self.children():
            try:
                cmdline = " ".join(psutil.Process(pid).cmdline())
            except psutil.Error:
                continue
            if "resource_tracker" not in cmdline:
                found.append(pid)
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            for pid in self.children():
                with contextlib.suppress(psutil.Error):
                    psutil.Process(pid).kill()
            self.process.kill()
        self.process.wait(10)
