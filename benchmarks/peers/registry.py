"""Every benchmarked system, by key, in run order: ``load(key)`` imports only that one."""

from __future__ import annotations

import importlib

from peers.base import Peer

# key -> (module under peers/, class name)
PEERS: dict[str, tuple[str, str]] = {
    "pykue": ("pykue_peer", "Pykue"),
    "kue": ("node_peers", "Kue"),
    "bullmq-node": ("node_peers", "BullMQNode"),
    "bee-queue": ("node_peers", "BeeQueue"),
    "bullmq-py": ("bullmq_peer", "BullMQPython"),
    "rq": ("rq_peer", "RQ"),
    "rq-simple": ("rq_peer", "RQSimple"),
    "arq": ("arq_peer", "Arq"),
    "saq": ("saq_peer", "Saq"),
    "celery-prefork": ("celery_peer", "CeleryPrefork"),
    "celery-solo": ("celery_peer", "CelerySolo"),
    "dramatiq": ("dramatiq_peer", "Dramatiq"),
    "huey": ("huey_peer", "Huey"),
    "taskiq": ("taskiq_peer", "Taskiq"),
}


def load(key: str) -> Peer:
    module_name, class_name = PEERS[key]
    module = importlib.import_module(f"peers.{module_name}")
    peer: Peer = getattr(module, class_name)()
    return peer
