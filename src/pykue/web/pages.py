"""The dashboard page and its assets (plain JS and CSS shipped in ``web/static``; no CDN)."""

from __future__ import annotations

import html
from functools import cache
from importlib import resources

from aiohttp import web

from pykue.core.keys import STATES
from pykue.web.state import settings_of

ASSETS = {
    "app.js": "application/javascript",
    "app.css": "text/css",
    "favicon.svg": "image/svg+xml",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@cache
def asset(name: str) -> bytes:
    return resources.files("pykue.web").joinpath("static", name).read_bytes()


async def index(request: web.Request) -> web.Response:
    title = html.escape(settings_of(request).title)
    page = asset("index.html").decode().replace("{{title}}", title)
    return web.Response(
        text=page, content_type="text/html", charset="utf-8", headers=SECURITY_HEADERS
    )


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise web.HTTPNotFound(text=f"no asset {name[:40]!r}")
    return web.Response(
        body=asset(name),
        content_type=ASSETS[name],
        headers={"Cache-Control": "no-cache", **SECURITY_HEADERS},
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", index)
    for state in STATES:
        app.router.add_get(f"/{state}", index)
    app.router.add_get("/assets/{name}", static)
