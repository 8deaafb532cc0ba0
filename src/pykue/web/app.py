"""The app factory: Kue's JSON API, the routes beyond Kue, the dashboard and its live channel."""

from __future__ import annotations

from aiohttp import web

from pykue.core.queue import Queue
from pykue.settings import Settings
from pykue.web import dashboard_api, kue_api, live, metrics, pages
from pykue.web.responses import errors_middleware
from pykue.web.security import auth_middleware, check_auth_settings, csrf_middleware
from pykue.web.state import LIVE, QUEUE, SETTINGS

BODY_OVERHEAD = 64 * 1024


def body_limit(settings: Settings) -> int:
    """Largest request body: a few jobs of the largest allowed data, plus JSON overhead."""
    return 4 * settings.max_payload_bytes + BODY_OVERHEAD


def create_app(queue: Queue, settings: Settings, *, live_interval: float = 1.0) -> web.Application:
    """The web application on ``queue``; serve it with ``pykue.web.runner.start_web``."""
    check_auth_settings(settings)
    app = web.Application(
        middlewares=[errors_middleware, auth_middleware, csrf_middleware],
        client_max_size=body_limit(settings),
    )
    app[QUEUE] = queue
    app[SETTINGS] = settings
    app[LIVE] = live.Live(queue, interval=live_interval)
    app.router.add_get("/api/live", live.stream)
    dashboard_api.add_routes(app)
    metrics.add_routes(app)
    kue_api.add_routes(app)
    pages.add_routes(app)
    app.cleanup_ctx.append(live.live_context)
    app.on_shutdown.append(live.on_shutdown)
    return app
