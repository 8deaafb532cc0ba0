"""Authentication and cross-site request protection.

Auth (only when ``auth_token`` or ``auth_user``/``auth_password`` is set) accepts, for every
route but ``/healthz``: ``Authorization: Bearer <token>``, ``?token=<token>`` (which also sets an
HttpOnly, SameSite=Strict cookie so the dashboard and its live channel keep working), that
cookie, or HTTP basic auth. Comparisons are constant-time.

Cross-site protection for requests that change something (POST, PUT, PATCH, DELETE and Kue's
``GET /inactive/:id``): a request a browser marks as cross-site (``Sec-Fetch-Site: cross-site``
or ``same-site``) or whose ``Origin`` is not this server is refused with 403. Clients that are not
browsers send neither header and keep working unchanged. Bodies must be JSON
(``application/json``): a cross-site page cannot send that without a CORS preflight, which
pykue never approves.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from aiohttp import web
from aiohttp.typedefs import Handler

from pykue.errors import ConfigError
from pykue.settings import Settings
from pykue.web.responses import error
from pykue.web.state import SETTINGS

COOKIE = "pykue_token"
OPEN_PATHS = frozenset({"/healthz"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def auth_enabled(settings: Settings) -> bool:
    return bool(settings.auth_token or settings.auth_user or settings.auth_password)


def check_auth_settings(settings: Settings) -> None:
    """Basic auth needs both a user and a password (``ConfigError`` otherwise)."""
    if bool(settings.auth_user) != bool(settings.auth_password):
        raise ConfigError("PYKUE_AUTH_USER and PYKUE_AUTH_PASSWORD must be set together")


def _same(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def _basic_ok(header: str, settings: Settings) -> bool:
    if not header.startswith("Basic ") or not settings.auth_user or not settings.auth_password:
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    user, _, password = decoded.partition(":")
    # Evaluate both comparisons, so timing does not tell which part was wrong.
    user_ok = _same(user, settings.auth_user)
    password_ok = _same(password, settings.auth_password)
    return user_ok and password_ok


def authorised(request: web.Request, settings: Settings) -> bool:
    """True if the request carries a valid token (header, query, cookie) or basic credentials."""
    header = request.headers.get("Authorization", "")
    token = settings.auth_token
    if header.startswith("Bearer ") and _same(header[7:].strip(), token):
        return True
    if _same(request.query.get("token"), token) or _same(request.cookies.get(COOKIE), token):
        return True
    return _basic_ok(header, settings)


def _challenge(settings: Settings) -> web.Response:
    response = error("authentication required", 401)
    if settings.auth_user and settings.auth_password:
        response.headers["WWW-Authenticate"] = 'Basic realm="pykue", charset="UTF-8"'
    else:
        response.headers["WWW-Authenticate"] = 'Bearer realm="pykue"'
    return response


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    if not auth_enabled(settings) or request.path in OPEN_PATHS:
        return await handler(request)
    if not authorised(request, settings):
        return _challenge(settings)
    response = await handler(request)
    query_token = request.query.get("token")
    if (
        query_token
        and _same(query_token, settings.auth_token)
        and request.cookies.get(COOKIE) != query_token
        and not response.prepared
    ):
        response.set_cookie(COOKIE, query_token, httponly=True, samesite="Strict", path="/")
    return response


def changes_state(request: web.Request) -> bool:
    return request.method in UNSAFE_METHODS or (
        request.method == "GET" and request.path.startswith("/inactive/")
    )


def cross_site(request: web.Request) -> str | None:
    """Why this request looks cross-site, or None."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return f"Sec-Fetch-Site: {fetch_site}"
    origin = request.headers.get("Origin")
    if origin is not None:
        expected = f"{request.scheme}://{request.host}"
        if origin != expected:
            return f"Origin {origin} is not {expected}"
    return None


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if changes_state(request):
        reason = cross_site(request)
        if reason is not None:
            return error(f"cross-site request refused ({reason})", 403)
        if request.can_read_body and request.content_type != "application/json":
            return error("request body must be application/json", 415)
    return await handler(request)
