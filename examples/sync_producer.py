"""Producing jobs from synchronous code (a Flask/Django view, a script) with SyncQueue.

REDIS_URL=redis://127.0.0.1:6379/0 python examples/sync_producer.py
"""

from __future__ import annotations

from pykue import SyncQueue


def main() -> None:
    with SyncQueue() as queue:
        job = queue.create("report", {"month": "2026-01"}, delay=5000)
        print(f"created job {job.id} ({job.state})")
        print("job JSON:", queue.get(job.id).to_kue_json())


if __name__ == "__main__":
    main()
