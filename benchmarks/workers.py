"""Start, watch and stop a peer's worker processes; read what their recorders wrote."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from peers.base import BENCH_DIR

STOP_GRACE_S = 5.0


@dataclass
class Totals:
    """The sum of every worker process's recorder file."""

    count: int = 0
    first: float = 0.0
    last: float = 0.0
    warm: int = 0
    latencies: list[float] = field(default_factory=list)


@dataclass
class HitsLog:
    """Totals of the ``kind time value`` lines of ``hits.log``."""

    count: int = 0
    first: float = 0.0
    last: float = 0.0
    warm: int = 0
    latencies: list[float] = field(default_factory=list)

    def add(self, line: str) -> None:
        kind, when, value = line.split()
        if kind == "n":
            self.first = float(when) if not self.count else min(self.first, float(when))
            self.last = max(self.last, float(when))
            self.count += 1
        elif kind == "w":
            self.warm += 1
        else:
            self.latencies.append(float(value))


class Workers:
    def __init__(self, commands: list[list[str]], stats_dir: Path) -> None:
        self.commands = commands
        self.stats_dir = stats_dir
        self.procs: list[subprocess.Popen[bytes]] = []
        self.log = stats_dir / "workers.log"
        self._hits = HitsLog()
        self._hits_offset = 0

    def start(self) -> None:
        self.stats_dir.mkdir(parents=True, exist_ok=True)
        for path in [*self.stats_dir.glob("*.json"), self.stats_dir / "hits.log"]:
            path.unlink(missing_ok=True)
        self._hits, self._hits_offset = HitsLog(), 0
        path = os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")]))
        env = dict(os.environ, BENCH_STATS_DIR=str(self.stats_dir), PYTHONPATH=path)
        with self.log.open("ab") as log:
            for command in self.commands:
                self.procs.append(
                    subprocess.Popen(
                        command,
                        cwd=BENCH_DIR,
                        env=env,
                        stdout=log,
                        stderr=log,
                        stdin=subprocess.DEVNULL,
                    )
                )

    def dead(self) -> str:
        """A reason if a worker process exited early, else ''."""
        for proc in self.procs:
            if proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-800:]
                return f"worker exited with code {proc.returncode}: {tail}"
        return ""

    def totals(self) -> Totals:
        out = Totals()
        firsts: list[float] = []
        self._read_hits_log(out, firsts)
        for path in self.stats_dir.glob("*.json"):
            try:
                data: dict[str, Any] = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            out.count += data["n"]
            out.warm += data["warm"]
            out.latencies.extend(data["lat"])
            if data["n"]:
                firsts.append(data["first"])
                out.last = max(out.last, data["last"])
        out.first = min(firsts) if firsts else 0.0
        return out

    def _read_hits_log(self, out: Totals, firsts: list[float]) -> None:
        """Fold in the lines of ``hits.log`` (fork-per-job workers), read incrementally."""
        path = self.stats_dir / "hits.log"
        if path.exists():
            with path.open() as log:
                log.seek(self._hits_offset)
                chunk = log.read()
            complete = chunk[: chunk.rfind("\n") + 1]
            self._hits_offset += len(complete)
            for line in complete.splitlines():
                self._hits.add(line)
        hits = self._hits
        out.count += hits.count
        out.warm += hits.warm
        out.latencies.extend(hits.latencies)
        if hits.count:
            firsts.append(hits.first)
            out.last = max(out.last, hits.last)

    def wait(self, done: Any, timeout: float) -> tuple[Totals, str]:
        """Poll until ``done(totals)`` or ``timeout``; returns the totals and a failure reason."""
        deadline = time.monotonic() + timeout
        while True:
            totals = self.totals()
            if done(totals):
                return totals, ""
            if reason := self.dead():
                return totals, reason
            if time.monotonic() > deadline:
                return totals, f"timed out after {timeout:.0f}s"
            time.sleep(0.02)

    def _tree(self) -> list[psutil.Process]:
        found: list[psutil.Process] = []
        for proc in self.procs:
            try:
                parent = psutil.Process(proc.pid)
                found.extend([parent, *parent.children(recursive=True)])
            except psutil.NoSuchProcess:
                continue
        return found

    def max_rss_mb(self) -> float | None:
        """The largest resident set of any single worker process (children included)."""
        sizes = []
        for proc in self._tree():
            try:
                sizes.append(proc.memory_info().rss)
            except psutil.NoSuchProcess:
                continue
        return max(sizes) / 2**20 if sizes else None

    def stop(self) -> None:
        tree = self._tree()
        for proc in tree:
            try:
                proc.send_signal(signal.SIGTERM)
            except psutil.NoSuchProcess:
                continue
        _, alive = psutil.wait_procs(tree, timeout=STOP_GRACE_S)
        for proc in alive:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                continue
        for proc in self.procs:
            proc.wait()
        self.procs = []
