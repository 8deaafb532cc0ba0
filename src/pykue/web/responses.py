"""JSON responses and the error middleware: every failure becomes a JSON body with a 4xx/5xx.

Bad input (``ValidationError``) is 400, a missing job 404, Redis down 503. aiohttp's own HTTP
errors (404 route, 405 method, 413 body too large) keep their status but get a JSON body.
"""

from __future__ import annotations

import json as stdlib_json
import logging
from typing import Any

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler
from redis.exceptions import RedisError

from pykue.errors import JobNotFound, PykueError, RedisUnavailable, ValidationError

log = logging.getLogger("pykue.web")


def dumps(value: Any) -> str:
    """Compact JSON; falls back to the standard library for values orjson refuses (huge ints
    that another Kue client may have stored)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return stdlib_json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def json(body: Any, status: int = 200) -> web.Response:
    """A compact JSON response, as Express's ``res.json``."""
    return web.json_response(body, status=status, dumps=dumps)


def error(message: str, status: int) -> web.Response:
    return json({"error": message}, status)


def message(text: str, **extra: Any) -> web.Response:
    return json({"message": text, **extra})


def status_of(exc: PykueError) -> int:
    if isinstance(exc, ValidationError):
        return 400
    if isinstance(exc, JobNotFound):
        return 404
    if isinstance(exc, RedisUnavailable):
        return 503
    return 400


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every exception into a JSON error response; the server never crashes on input."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        text = exc.text or ""
        body = error(exc.reason if text.startswith(f"{exc.status}:") else text, exc.status)
        for name in ("WWW-Authenticate", "Allow"):
            if name in exc.headers:
                body.headers[name] = exc.headers[name]
        return body
    except PykueError as exc:
        return error(str(exc), status_of(exc))
    except (RedisError, OSError) as exc:
        log.warning("redis error on %s %s: %s", request.method, request.path, exc)
        return error(f"redis unavailable: {exc}", 503)
