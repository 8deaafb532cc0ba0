"""The README's quick start, followed as a new user would: ``make serve``, then open the pages."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
from pathlib import Path
from urllib.request import urlopen

from tests.e2e.serve_process import ROOT
from tests.support.redis_server import free_port


def quick_start_commands() -> list[str]:
    """The commands of the README's first code block."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```(?:sh|bash|console)\n(.*?)```", readme, re.S)
    assert block is not None, "the README has no shell block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_first_screen_gives_exactly_serve_and_test() -> None:
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:30])
    assert "make serve" in first_screen
    assert "make test" in first_screen
    assert quick_start_commands() == ["make serve", "make test"]


def test_make_serve_runs_the_whole_system(tmp_path: Path) -> None:
    kue_port, dnode_port = free_port(), free_port()
    env = {
        **os.environ,
        "KUE_PORT": str(kue_port),
        "DNODE_PORT": str(dnode_port),
        "PYKUE_DATA_DIR": str(tmp_path / "data"),
        "PYKUE_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Web: http"):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(120), "".join(lines)
        with urlopen(f"http://127.0.0.1:{kue_port}/") as page:
            assert "<title>Under The Rules</title>" in page.read().decode()
        with urlopen(f"http://127.0.0.1:{dnode_port}/") as page:
            assert page.status == 200
        with urlopen(f"http://127.0.0.1:{kue_port}/stats") as stats:
            assert set(json.load(stats)) >= {"inactiveCount", "workTime"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    assert "Traceback" not in "".join(lines)
