"""The static file server of DNODE_PORT: types, index.html, caching, and no way out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from pykue import Queue, Settings
from tests.rpc.conftest import start_server


@pytest.fixture
async def site(
    queue: Queue, settings: Settings, tmp_path: Path
) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    root = tmp_path / "public"
    (root / "sub").mkdir(parents=True)
    (root / "index.html").write_text("<h1>home</h1>")
    (root / "app.js").write_text("console.log(1)")
    (root / "style.css").write_text("body{}")
    (root / "data.json").write_text("{}")
    (root / "sub" / "index.html").write_text("sub home")
    (root / "sub" / "a b.txt").write_text("spaced")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link-out").symlink_to(tmp_path / "secret.txt")
    (root / "dir-out").symlink_to(tmp_path)
    (root / "inner-link").symlink_to(root / "app.js")
    runner, base, _ = await start_server(queue, settings.replace(static_path=root))
    async with aiohttp.ClientSession() as http:
        yield base, http
    await runner.cleanup()


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/", "<h1>home</h1>", "text/html"),
        ("/index.html", "<h1>home</h1>", "text/html"),
        ("/app.js", "console.log(1)", "text/javascript"),
        ("/style.css", "body{}", "text/css"),
        ("/data.json", "{}", "application/json"),
        ("/sub/", "sub home", "text/html"),
        ("/sub/a%20b.txt", "spaced", "text/plain"),
        ("/inner-link", "console.log(1)", None),
    ],
)
async def test_serves_files(
    site: tuple[str, aiohttp.ClientSession], path: str, body: str, content_type: str | None
) -> None:
    base, http = site
    async with http.get(base + path) as resp:
        assert resp.status == 200
        assert await resp.text() == body
        if content_type is not None:
            assert resp.content_type in (content_type, "application/javascript")
        assert "ETag" in resp.headers
        assert "Last-Modified" in resp.headers
    async with http.head(base + path) as resp:
        assert resp.status == 200
        assert await resp.read() == b""


async def test_directory_without_slash_redirects(site: tuple[str, aiohttp.ClientSession]) -> None:
    base, http = site
    async with http.get(base + "/sub", allow_redirects=False) as resp:
        assert resp.status == 302
        assert resp.headers["Location"].endswith("/sub/")


async def test_conditional_requests(site: tuple[str, aiohttp.ClientSession]) -> None:
    base, http = site
    async with http.get(base + "/app.js") as resp:
        etag, modified = resp.headers["ETag"], resp.headers["Last-Modified"]
    async with http.get(base + "/app.js", headers={"If-None-Match": etag}) as resp:
        assert resp.status == 304
        assert await resp.read() == b""
    async with http.get(base + "/app.js", headers={"If-Modified-Since": modified}) as resp:
        assert resp.status == 304


@pytest.mark.parametrize(
    "path",
    [
        "/missing.html",
        "/sub/missing",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/sub/..%2f..%2fsecret.txt",
        "/sub%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/link-out",
        "/dir-out/secret.txt",
        "/app.js%00.html",
    ],
)
async def test_nothing_outside_the_folder(
    site: tuple[str, aiohttp.ClientSession], path: str
) -> None:
    base, http = site
    async with http.get(aiohttp.client.URL(base + path, encoded=True)) as resp:
        assert resp.status == 404
        assert "secret" not in await resp.text()


async def test_default_folder_is_the_demo_page(queue: Queue, settings: Settings) -> None:
    runner, base, _ = await start_server(queue, settings)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(base + "/") as resp:
                assert "pykue RPC demo" in await resp.text()
            async with http.get(base + "/rpc.js") as resp:
                assert "SockJSish" in await resp.text()
            async with http.post(base + "/") as resp:
                assert resp.status == 405
    finally:
        await runner.cleanup()
