"""The ``pykue`` command: run the system, and operate a queue from a shell."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

from pykue.core.queue import Queue
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


@main.command()
@click.argument("job_type")
@click.argument("data", default="{}")
@click.option("--priority", default="normal", help="low, normal, medium, high, critical or int.")
@click.option("--attempts", default=1, show_default=True, help="Attempts before failing.")
@click.option("--delay", default=0, show_default=True, help="Delay in milliseconds.")
@click.option("--ttl", default=0, show_default=True, help="Longest run in milliseconds.")
@click.pass_obj
def enqueue(
    settings: Settings, job_type: str, data: str, priority: str, attempts: int, delay: int, ttl: int
) -> None:
    """Create a JOB_TYPE job with DATA (JSON); prints the new job's id."""
    try:
        payload = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="DATA") from None
    options: dict[str, Any] = {
        "priority": priority,
        "attempts": attempts,
        "delay": delay,
        "ttl": ttl,
    }
    job = run(settings, lambda q: q.create(job_type, payload, **options))
    click.echo(job.id)


@main.command()
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


@main.command()
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


@main.command()
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


@main.command()
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


@main.command()
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
