"""Run the real Node Kue peer (tests/node/kue_peer.js) from a test, never leaving it running."""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import signal
import socket
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parent.parent / "node"
READY_TIMEOUT_S = 20.0


class NodePeer:
    """One ``node kue_peer.js`` process; its JSON stdout lines arrive in ``lines``."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.ready: Any = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            line = line.strip()
            if line.startswith("{"):
                self.lines.put(json.loads(line))

    def next(self, timeout: float = 10.0) -> dict[str, Any]:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the Node peer said nothing within {timeout}s") from None

    def wait_ready(self) -> Any:
        line = self.next(READY_TIMEOUT_S)
        assert "ready" in line, line
        self.ready = line["ready"]
        return self.ready

    def collect(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        return [self.next(timeout) for _ in range(count)]

    def stop(self) -> None:
        """Ask the peer to shut down, then make sure it is gone (by its PID)."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


@contextlib.contextmanager
def kue_peer(mode: str, port: int, **options: Any) -> Iterator[NodePeer]:
    """Start the peer in ``mode`` against the Redis on ``port``; wait for its ready line."""
    node = shutil.which("node")
    assert node is not None, "node is required for the interop tests"
    assert (NODE_DIR / "node_modules" / "kue").exists(), "run `make test` (npm install) first"
    body = json.dumps({"host": "127.0.0.1", "port": port, **options})
    process = subprocess.Popen(
        [node, "kue_peer.js", mode, body],
        cwd=NODE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peer = NodePeer(process)
    try:
        peer.wait_ready()
        yield peer
    finally:
        peer.stop()


def get_json(port: int, path: str) -> Any:
    """GET a JSON route of the peer's kue.app."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return json.loads(response.read())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
