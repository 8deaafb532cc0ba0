"""`make bench`: every system's workload on one private redis-server, in one run.

    python benchmarks/run.py [--only KEY[,KEY...]] [--n 20000] [--out benchmarks/results]

Each system runs in its own child process (``harness.py``) with a time limit, so a broken peer
is recorded as failed with the reason and the run goes on. Writes ``results.json``,
``results.md`` (the table) and ``results.png`` (the chart) and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import describe
from peers.registry import PEERS
from redis_server import RedisServer
from report import write_all

HERE = Path(__file__).resolve().parent

PEER_TIMEOUT_S = 180


def run_peer(key: str, url: str, n: int, log_dir: Path) -> dict[str, Any]:
    out = log_dir / f"{key}.json"
    path = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, BENCH_REDIS_URL=url, BENCH_N=str(n), PYTHONPATH=path)
    started = time.monotonic()
    with (log_dir / f"{key}.log").open("wb") as log:
        child = subprocess.Popen(
            [sys.executable, str(HERE / "harness.py"), key, str(out)],
            cwd=HERE,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            child.wait(PEER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # the child and the workers it started
            child.wait()
    if out.exists():
        result: dict[str, Any] = json.loads(out.read_text())
    else:
        result = {
            "key": key,
            "name": key,
            "ok": False,
            "error": f"no result after {PEER_TIMEOUT_S}s",
        }
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="comma-separated peer keys: " + ",".join(PEERS))
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    keys = args.only.split(",") if args.only else list(PEERS)
    log_dir = Path(tempfile.mkdtemp(prefix="pykue-bench-logs-"))
    server = RedisServer().start()
    results = []
    try:
        for key in keys:
            print(f"[bench] {key} ...", flush=True)
            result = run_peer(key, server.url, args.n, log_dir)
            status = "ok" if result.get("ok") else f"FAILED: {result.get('error')}"
            print(f"[bench] {key}: {status} ({result['seconds']}s)", flush=True)
            results.append(result)
        machine = describe(server.version())
    finally:
        server.stop()
    args.out.mkdir(parents=True, exist_ok=True)
    table = write_all(results, machine, args.n, args.out)
    print(table)
    print(f"[bench] logs in {log_dir}; results in {args.out}")


if __name__ == "__main__":
    main()
