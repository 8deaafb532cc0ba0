"""The Node peers (kue 0.11.6, bullmq, bee-queue): producers and workers are Node scripts in
``node/``; this module drives them. ``node SCRIPT send URL COUNT RATE MODE`` and
``node SCRIPT bulk URL COUNT`` print the seconds taken; ``node SCRIPT worker URL`` works."""

from __future__ import annotations

import json
import subprocess

from peers.base import BENCH_DIR, Peer, redis_url

NODE_DIR = BENCH_DIR / "node"
STEP_TIMEOUT_S = 120


def package_version(name: str) -> str:
    path = NODE_DIR / "node_modules" / name / "package.json"
    return str(json.loads(path.read_text())["version"]) if path.exists() else "?"


class NodePeer(Peer):
    script = ""

    def _run(self, *args: str) -> float:
        command = ["node", str(NODE_DIR / self.script), *args]
        done = subprocess.run(
            command, cwd=NODE_DIR, capture_output=True, text=True, timeout=STEP_TIMEOUT_S
        )
        if done.returncode != 0:
            lines = [x for x in done.stderr.splitlines() if x.strip() and "    at " not in x]
            raise RuntimeError(f"{self.script} {args[0]}: {' '.join(lines)[:400]}")
        return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])

    async def send(self, count: int, rate: float, mode: str) -> float:
        return self._run("send", redis_url(), str(count), str(rate), mode)

    async def send_bulk(self, count: int) -> float:
        return self._run("bulk", redis_url(), str(count))

    def worker_commands(self) -> list[list[str]]:
        return [["node", str(NODE_DIR / self.script), "worker", redis_url()] for _ in range(2)]


class Kue(NodePeer):
    name = "Kue (Node)"
    version = package_version("kue")
    script = "kue.js"
    note = "2 node processes, queue.process concurrency 10"


class BullMQNode(NodePeer):
    name = "BullMQ (Node)"
    version = package_version("bullmq")
    script = "bullmq.js"
    has_bulk = True
    note = "2 node processes, Worker concurrency 10; bulk = Queue.addBulk"


class BeeQueue(NodePeer):
    name = "bee-queue (Node)"
    version = package_version("bee-queue")
    script = "bee-queue.js"
    has_bulk = True
    note = "2 node processes, process concurrency 10; bulk = Queue.saveAll"
