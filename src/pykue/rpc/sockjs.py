"""SockJS protocol 0.3 (as sockjs-node 0.3.7 serves it), pure: frames, payloads, pages, headers.

Frames (server -> client): ``o`` open, ``h`` heartbeat, ``a[...]`` messages, ``c[code,"reason"]``
close. Each transport wraps frames its own way (``wrap_*``). Client -> server payloads are a JSON
array of strings (``parse_payload``). No I/O here: the session state lives in
``sockjs_session.py``, the aiohttp transports in ``sockjs_transports.py`` and
``sockjs_websocket.py``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from typing import Any, TypedDict

OPEN = "o"
HEARTBEAT = "h"
GO_AWAY = (3000, "Go away!")
ANOTHER_CONNECTION = (2010, "Another connection still open")
INTERRUPTED = (1002, "Connection interrupted")
NORMAL = (1000, "Normal closure")

WELCOME = "Welcome to SockJS!\n"
NO_CACHE = "no-store, no-cache, must-revalidate, max-age=0"
YEAR = 31_536_000
XHR_STREAMING_PRELUDE = "h" * 2048 + "\n"
EVENTSOURCE_PRELUDE = "\r\n"

PAYLOAD_EXPECTED = "Payload expected."
BROKEN_JSON = "Broken JSON encoding."
CALLBACK_REQUIRED = '"callback" parameter required'
CALLBACK_INVALID = 'invalid "callback" parameter'

_ESCAPABLE = re.compile(
    "[\x00-\x1f\ud800-\udfff\u200c-\u200f\u2028-\u202f\u2060-\u206f\ufff0-\uffff]"
)
_CALLBACK = re.compile(r"^[a-zA-Z0-9\-_.]+$")
_SEGMENT = re.compile(r"^[^/.]+$")
_IFRAME = re.compile(r"^iframe[0-9a-z._-]*\.html$")


class PayloadError(ValueError):
    """A client payload that cannot be read; ``str()`` is the exact 500 body."""


class InfoJSON(TypedDict):
    websocket: bool
    origins: list[str]
    cookie_needed: bool
    entropy: int


def escape_json(value: Any) -> str:
    """JSON with every character browsers may mangle written as ``\\uXXXX``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _ESCAPABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def message_frame(messages: list[str]) -> str:
    """``a[...]``: a batch of messages."""
    return "a" + escape_json(messages)


def close_frame(code: int, reason: str) -> str:
    """``c[code,"reason"]``."""
    return "c" + escape_json([code, reason])


def parse_payload(body: str, *, single_string: bool = False) -> list[str]:
    """The messages of a send body (a JSON array of strings; a websocket may also send one
    string). ``PayloadError`` with sockjs-node's exact text otherwise."""
    if not body:
        raise PayloadError(PAYLOAD_EXPECTED)
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        raise PayloadError(BROKEN_JSON) from None
    if single_string and isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(m, str) for m in value):
        raise PayloadError(BROKEN_JSON)
    return value


def check_callback(callback: str | None) -> str:
    """The ``c`` parameter of jsonp/htmlfile, validated (``PayloadError`` with the 500 text)."""
    if not callback:
        raise PayloadError(CALLBACK_REQUIRED)
    if not _CALLBACK.match(callback):
        raise PayloadError(CALLBACK_INVALID)
    return callback


def valid_segment(value: str) -> bool:
    """A server or session id: non-empty, no ``.`` or ``/``."""
    return bool(_SEGMENT.match(value))


def is_iframe_name(name: str) -> bool:
    return bool(_IFRAME.match(name))


def info(websocket: bool = True, cookie_needed: bool = False) -> InfoJSON:
    """The ``/info`` body, with fresh entropy."""
    return {
        "websocket": websocket,
        "origins": ["*:*"],
        "cookie_needed": cookie_needed,
        "entropy": random.randint(0, 2**32 - 1),
    }


# -- transport wrappers ------------------------------------------------------------------------


def wrap_xhr(frame: str) -> str:
    return frame + "\n"


def wrap_eventsource(frame: str) -> str:
    return f"data: {frame}\r\n\r\n"


def wrap_htmlfile(frame: str) -> str:
    return f"<script>\np({json.dumps(frame)});\n</script>\r\n"


def wrap_jsonp(callback: str, frame: str) -> str:
    return f"{callback}({json.dumps(frame)});\r\n"


def htmlfile_prelude(callback: str) -> str:
    """The start of an htmlfile response: a page padded past 1 KiB that hands frames to the
    parent's callback."""
    page = _HTMLFILE.replace("{{ callback }}", callback)
    return page + " " * max(0, 1024 - len(page) + 14) + "\r\n\r\n"


_HTMLFILE = """<!doctype html>
<html><head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge" />
  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
</head><body><h2>Don't panic!</h2>
  <script>
    document.domain = document.domain;
    var c = parent.{{ callback }};
    c.start();
    function p(d) {c.message(d);};
    window.onload = function() {c.stop();};
  </script>"""

_IFRAME_PAGE = """<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge" />
  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
  <script>
    document.domain = document.domain;
    _sockjs_onload = function(){SockJS.bootstrap_iframe();};
  </script>
  <script src="{{ sockjs_url }}"></script>
</head>
<body>
  <h2>Don't panic!</h2>
  <p>This is a SockJS hidden iframe. It's used for cross domain magic.</p>
</body>
</html>"""


def iframe_page(sockjs_url: str) -> tuple[str, str]:
    """The iframe page loading ``sockjs_url``, and its quoted MD5 ETag."""
    page = _IFRAME_PAGE.replace("{{ sockjs_url }}", sockjs_url)
    return page, '"' + hashlib.md5(page.encode(), usedforsecurity=False).hexdigest() + '"'


# -- headers -----------------------------------------------------------------------------------


def cors_headers(origin: str | None, request_headers: str | None = None) -> dict[str, str]:
    """CORS headers of the XHR family and ``/info`` (``Access-Control-Allow-Headers`` echoes
    the request's ``Access-Control-Request-Headers`` when there are any)."""
    allowed = origin if origin and origin != "null" else "*"
    headers = {"Access-Control-Allow-Origin": allowed, "Access-Control-Allow-Credentials": "true"}
    if request_headers:
        headers["Access-Control-Allow-Headers"] = request_headers
    return headers


def preflight_headers(methods: str, request_headers: str | None) -> dict[str, str]:
    """The answer to an ``OPTIONS`` preflight (cacheable for a year)."""
    headers = {
        "Cache-Control": f"public, max-age={YEAR}",
        "Access-Control-Max-Age": str(YEAR),
        "Access-Control-Allow-Methods": methods,
    }
    if request_headers:
        headers["Access-Control-Allow-Headers"] = request_headers
    return headers
