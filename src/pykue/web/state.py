"""Typed app state keys (aiohttp ``AppKey``) shared by the web modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from pykue.core.queue import Queue
from pykue.settings import Settings

if TYPE_CHECKING:
    from pykue.web.live import Live

QUEUE = web.AppKey("queue", Queue)
SETTINGS = web.AppKey("settings", Settings)
LIVE: web.AppKey[Live] = web.AppKey("live")


def queue_of(request: web.Request) -> Queue:
    return request.app[QUEUE]


def settings_of(request: web.Request) -> Settings:
    return request.app[SETTINGS]
