"""The ``pykue`` command: run the system, and operate a queue from a shell."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
import orjson

from pykue.core import admin
from pykue.core.queue import Queue
from pykue.core.spec import JobSpec
from pykue.core.states import JobState
from pykue.errors import PykueError
from pykue.settings import Settings

T = TypeVar("T")


def run(settings: Settings, action: Callable[[Queue], Awaitable[T]]) -> T:
    """Run ``action`` with a connected Queue; a PykueError becomes a one-line message, exit 1."""

    async def main() -> T:
        async with Queue(settings=settings) as queue:
            return await action(queue)

    try:
        return asyncio.run(main())
    except PykueError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--redis-url", envvar="REDIS_URL", help="Redis URL (default: embedded Redis).")
@click.option("--prefix", envvar="PYKUE_PREFIX", help="Key prefix (default q).")
@click.version_option(package_name="pykue")
@click.pass_context
def main(ctx: click.Context, redis_url: str | None, prefix: str | None) -> None:
    """pykue: a Redis job queue and worker cluster, wire-compatible with Kue 0.11.

    Configuration comes from the environment (REDIS_URL, KUE_PORT, DNODE_PORT, STATIC_PATH, ...);
    flags override it.
    """
    try:
        ctx.obj = Settings.from_env(redis_url=redis_url, prefix=prefix)
    except PykueError as exc:
        raise click.ClickException(str(exc)) from None


@main.command(short_help="Create a job, or many from a JSON-lines file.")
@click.argument("job_type", required=False)
@click.argument("data", required=False)
@click.option("--priority", default="normal", help="low, normal, medium, high, critical or int.")
@click.option("--attempts", default=1, show_default=True, help="Attempts before failing.")
@click.option("--delay", default=0, show_default=True, help="Delay in milliseconds.")
@click.option("--ttl", default=0, show_default=True, help="Longest run in milliseconds.")
@click.option(
    "--file",
    "jobs_file",
    type=click.File("r"),
    help="Enqueue every line of this JSON-lines file ('-' for stdin): Kue's POST /job shape "
    '{"type", "data", "options"}; JOB_TYPE is the type of lines without one.',
)
@click.pass_obj
def enqueue(
    settings: Settings,
    job_type: str | None,
    data: str | None,
    priority: str,
    attempts: int,
    delay: int,
    ttl: int,
    jobs_file: TextIO | None,
) -> None:
    """Create a JOB_TYPE job with DATA (JSON, default {}) and print its id; or, with --file,
    create every job of a JSON-lines file (all lines are checked before any job is written)."""
    if jobs_file is not None:
        enqueue_file(settings, jobs_file, job_type)
        return
    if not job_type:
        raise click.UsageError("give JOB_TYPE (and DATA), or --file")
    payload = parse_json(data or "{}", "DATA")
    options: dict[str, Any] = {
        "priority": priority,
        "attempts": attempts,
        "delay": delay,
        "ttl": ttl,
    }
    job = run(settings, lambda q: q.create(job_type, payload, **options))
    click.echo(job.id)


def parse_json(text: str, where: str) -> Any:
    """JSON text, or a usage error naming ``where``."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint=where) from None


def read_specs(lines: Iterable[str], default_type: str | None, limit: int) -> list[JobSpec]:
    """Every job of a JSON-lines file, validated; a bad line is an error naming its number."""
    specs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        body = parse_json(line, f"line {number}")
        if isinstance(body, dict) and default_type and not body.get("type"):
            body = {**body, "type": default_type}
        try:
            specs.append(JobSpec.from_kue(body, max_payload=limit))
        except PykueError as exc:
            raise click.ClickException(f"line {number}: {exc}") from None
    return specs


ENQUEUE_BATCH = 1000


def enqueue_file(settings: Settings, jobs_file: TextIO, default_type: str | None) -> None:
    specs = read_specs(jobs_file, default_type, settings.max_payload_bytes)

    async def save(queue: Queue) -> int:
        with click.progressbar(length=len(specs), label="enqueueing", file=sys.stderr) as bar:
            for start in range(0, len(specs), ENQUEUE_BATCH):
                batch = specs[start : start + ENQUEUE_BATCH]
                await queue.create_many(batch)
                bar.update(len(batch))
        return len(specs)

    click.echo(f"{run(settings, save)} jobs enqueued")


@main.command(short_help="Counts of jobs per type and state.")
@click.pass_obj
def stats(settings: Settings) -> None:
    """Counts of jobs per type and state, as a table."""

    async def collect(queue: Queue) -> list[tuple[str, list[int]]]:
        rows = []
        for job_type in await queue.types():
            rows.append((job_type, [await queue.count(s, job_type) for s in STATE_COLUMNS]))
        rows.append(("(all)", [await queue.count(s) for s in STATE_COLUMNS]))
        return rows

    rows = run(settings, collect)
    width = max([len("type"), *(len(name) for name, _ in rows)])
    click.echo(f"{'type':<{width}}  " + "  ".join(f"{s:>8}" for s in STATE_COLUMNS))
    for name, counts in rows:
        click.echo(f"{name:<{width}}  " + "  ".join(f"{c:>8}" for c in counts))


STATE_COLUMNS = ("inactive", "active", "complete", "failed", "delayed")


@main.command(short_help="Show one job and its log.")
@click.argument("job_id")
@click.pass_obj
def job(settings: Settings, job_id: str) -> None:
    """Show one job (Kue's JSON) and its log."""

    async def fetch(queue: Queue) -> tuple[dict[str, Any], list[str]]:
        found = await queue.get(job_id)
        return found.to_kue_json(), await queue.log_lines(job_id)

    body, log = run(settings, fetch)
    click.echo(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode())
    for line in log:
        click.echo(f"log: {line}")


@main.command("retry-failed", short_help="Queue every failed job again.")
@click.option("--type", "job_type", help="Only jobs of this type (default: every type).")
@click.pass_obj
def retry_failed(settings: Settings, job_type: str | None) -> None:
    """Queue every failed job again (attempts are not reset: each gets one more run)."""

    async def retry(queue: Queue) -> int:
        types = [job_type] if job_type else await queue.types()
        return sum([await admin.retry_all(queue, t) for t in types])

    click.echo(f"{run(settings, retry)} failed jobs queued again")


DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def parse_duration(text: str) -> int:
    """Milliseconds from ``500ms``, ``30s``, ``15m``, ``2h``, ``7d`` (plain numbers are seconds)."""
    match = DURATION.match(text)
    if match is None:
        raise click.BadParameter(f"{text!r} is not a duration like 30s, 15m, 2h or 7d")
    return int(float(match.group(1)) * UNIT_MS[match.group(2) or "s"])


@main.command(short_help="Remove old jobs of one state.")
@click.option(
    "--state",
    type=click.Choice(["complete", "failed", "inactive", "delayed"]),
    default="complete",
    show_default=True,
    help="Which jobs to remove.",
)
@click.option("--older-than", required=True, help="Last updated longer ago than this: 7d, 2h...")
@click.option("--type", "job_type", help="Only jobs of this type.")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; remove nothing.")
@click.pass_obj
def cleanup(
    settings: Settings, state: str, older_than: str, job_type: str | None, dry_run: bool
) -> None:
    """Remove old jobs (with their logs) in one state, e.g. complete jobs older than 7 days."""
    age = parse_duration(older_than)
    count = run(
        settings,
        lambda q: admin.cleanup(q, JobState(state), age, job_type=job_type, dry_run=dry_run),
    )
    click.echo(f"{count} {state} jobs {'would be ' if dry_run else ''}removed")


# -- pykue serve ------------------------------------------------------------------------------


@main.command(short_help="Run the whole system (dashboard, RPC, workers).")
@click.argument("app", required=False)
@click.option("--host", help="Address to bind (HOST; default 127.0.0.1).")
@click.option("--kue-port", type=click.IntRange(0, 65535), help="Dashboard port (KUE_PORT).")
@click.option("--dnode-port", type=click.IntRange(0, 65535), help="RPC port (DNODE_PORT).")
@click.option(
    "--static-path",
    type=click.Path(path_type=Path),
    help="Folder served on the RPC port (STATIC_PATH; default: the demo page).",
)
@click.option(
    "--workers",
    "-n",
    type=click.IntRange(min=1),
    help="Worker processes (PYKUE_WORKERS; default: one per CPU).",
)
@click.option("--title", help='Dashboard title (PYKUE_TITLE; default "Under The Rules").')
@click.pass_obj
def serve(
    settings: Settings,
    app: str | None,
    host: str | None,
    kue_port: int | None,
    dnode_port: int | None,
    static_path: Path | None,
    workers: int | None,
    title: str | None,
) -> None:
    """Run the whole system for APP (module:attribute of a Queue, or file.py:attribute;
    default: the built-in echo app): the dashboard and Kue JSON API on KUE_PORT, static files
    and dnode RPC over SockJS at /dnode on DNODE_PORT, housekeeping, and one worker process per
    CPU. With no REDIS_URL an embedded Redis keeps its data under PYKUE_DATA_DIR.
    Ctrl-C / SIGTERM drains the workers and exits 0; a second signal kills them."""
    from pykue.cluster import logs
    from pykue.master import run_master

    try:
        configured = settings.replace(
            host=host,
            kue_port=kue_port,
            dnode_port=dnode_port,
            static_path=static_path,
            workers=workers,
            title=title,
        )
        configured.validate()
        logs.setup(configured.log_level, "master")
        code = run_master(configured, app)
    except PykueError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    sys.exit(int(code))


@main.command(short_help="Run the dashboard and JSON API alone.")
@click.option("--host", help="Address to bind (default HOST or 127.0.0.1).")
@click.option("--port", type=int, help="Port (default KUE_PORT or 3000).")
@click.pass_obj
def web(settings: Settings, host: str | None, port: int | None) -> None:
    """Run the dashboard and Kue's JSON API alone (no workers)."""
    from pykue.web.runner import run_web

    try:
        run_web(settings.replace(host=host, kue_port=port))
    except PykueError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot serve the dashboard: {exc}") from None


@main.command(short_help="Run the RPC front door alone.")
@click.option("--port", type=int, help="Port to listen on (default: DNODE_PORT).")
@click.option(
    "--static",
    "static_path",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder to serve (default: STATIC_PATH, else the demo page).",
)
@click.option("--allow-type", multiple=True, help="A job type RPC `create` may make (repeatable).")
@click.pass_obj
def rpc(
    settings: Settings, port: int | None, static_path: Path | None, allow_type: tuple[str, ...]
) -> None:
    """Run the RPC front door alone: static files and dnode over SockJS at /dnode."""
    import logging

    from pykue.rpc import RpcOptions, create_app, serve

    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    settings = settings.replace(dnode_port=port, static_path=static_path)
    options = RpcOptions(allowed_types=frozenset(allow_type))

    async def main() -> None:
        async with Queue(settings=settings) as queue:
            await serve(create_app(queue, settings, options), settings)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    except (PykueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None


# -- pykue worker ----------------------------------------------------------------------------


def run_checked(settings: Settings) -> None:
    """Raise ``RedisUnavailable`` unless Redis answers."""

    async def check() -> None:
        async with Queue(settings=settings):
            pass

    asyncio.run(check())


@main.command(short_help="Run worker processes for APP.")
@click.argument("app", required=False)
@click.option(
    "--processes",
    "-n",
    type=click.IntRange(min=1),
    help="Worker processes (default: PYKUE_WORKERS, or one per CPU).",
)
@click.pass_obj
def worker(settings: Settings, app: str | None, processes: int | None) -> None:
    """Run worker processes for APP (module:attribute of a Queue; default: the built-in echo
    app). SIGTERM/SIGINT drain them; a second signal kills them."""
    from pykue.cluster import ExitCode, Supervisor, logs
    from pykue.worker.loader import load_app

    try:
        load_app(app)
    except PykueError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(int(ExitCode.APP_ERROR))
    if settings.redis_url is not None:
        try:
            run_checked(settings)
        except PykueError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(int(ExitCode.REDIS_UNAVAILABLE))
    logs.setup(settings.log_level, "supervisor")
    sys.exit(int(Supervisor(settings, app, processes=processes).run()))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
