"""The web dashboard and Kue's JSON API on KUE_PORT (aiohttp)."""

from pykue.web.app import create_app
from pykue.web.runner import run_web, start_web

__all__ = ["create_app", "run_web", "start_web"]
