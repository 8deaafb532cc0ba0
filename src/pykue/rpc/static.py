"""Static files from one folder (``STATIC_PATH``), as ecstatic serves them for the seed.

GET and HEAD; content types from the file name; ``index.html`` for a directory (a directory URL
without its trailing slash is redirected); ETag and Last-Modified with 304 answers (aiohttp's
``FileResponse``). Nothing outside the folder is reachable: ``..`` segments, encoded slashes and
backslashes, NUL bytes and symlinks that resolve outside it all get 404.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiohttp import web

INDEX = "index.html"
_BAD_ENCODINGS = ("%2f", "%5c", "%00")


def default_folder() -> Path:
    """The demo page folder shipped inside the package."""
    return Path(str(resources.files("pykue.rpc") / "static"))


class StaticFiles:
    """A request handler serving files under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def install(self, app: web.Application) -> None:
        """Serve every GET/HEAD path not routed before (install it last)."""
        app.router.add_get("/{path:.*}", self.handle, allow_head=True)

    def resolve(self, raw_path: str, path: str) -> Path | None:
        """The file (or directory) a request path names, or None if it is not allowed."""
        lowered = raw_path.lower()
        if any(bad in lowered for bad in _BAD_ENCODINGS):
            return None
        parts = [p for p in path.split("/") if p]
        if any(p == ".." or "\\" in p or "\x00" in p for p in parts):
            return None
        candidate = self.root.joinpath(*parts).resolve()
        if candidate != self.root and not candidate.is_relative_to(self.root):
            return None
        return candidate if candidate.exists() else None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info.get("path", "")
        target = self.resolve(request.raw_path.split("?", 1)[0], path)
        if target is not None and target.is_dir():
            if path and not path.endswith("/"):
                location = request.rel_url.with_path(request.path + "/")
                raise web.HTTPFound(location=str(location))
            target = self.resolve("", path.rstrip("/") + "/" + INDEX)
        if target is None or not target.is_file():
            raise web.HTTPNotFound(text="Not found")
        return web.FileResponse(target)
