"""Authentication (token, cookie, basic) and cross-site protection of state-changing requests."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from pykue import ConfigError, Queue, Settings
from pykue.web import create_app
from tests.web.conftest import make_client

TOKEN = "s3cret-token"


@pytest.fixture
async def locked(queue: Queue, settings: Settings) -> AsyncIterator[TestClient]:
    secured = settings.replace(auth_token=TOKEN, auth_user="admin", auth_password="pw")
    http = await make_client(queue, secured)
    yield http
    await http.close()


def basic(user: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def test_everything_but_healthz_needs_auth(locked: TestClient) -> None:
    for path in ("/", "/stats", "/jobs/0..1", "/api/live", "/metrics", "/assets/app.js"):
        response = await locked.get(path)
        assert response.status == 401, path
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert await response.json() == {"error": "authentication required"}
    assert (await locked.post("/job", json={"type": "x"})).status == 401
    assert (await locked.get("/healthz")).status == 200


async def test_token_header_query_and_cookie(locked: TestClient) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert (await locked.get("/stats", headers=bearer)).status == 200
    assert (await locked.get("/stats", headers={"Authorization": "Bearer nope"})).status == 401
    assert (await locked.get("/stats?token=nope")).status == 401
    page = await locked.get(f"/?token={TOKEN}")
    assert page.status == 200
    cookie = page.cookies["pykue_token"]
    assert cookie.value == TOKEN
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert (await locked.get("/stats")).status == 200  # the cookie jar now carries it
    locked.session.cookie_jar.clear()
    assert (await locked.get("/stats")).status == 401


async def test_basic_auth(locked: TestClient) -> None:
    assert (await locked.get("/stats", headers=basic("admin", "pw"))).status == 200
    assert (await locked.get("/stats", headers=basic("admin", "no"))).status == 401
    assert (await locked.get("/stats", headers=basic("root", "pw"))).status == 401
    bad = {"Authorization": "Basic !!!not-base64"}
    assert (await locked.get("/stats", headers=bad)).status == 401


async def test_no_auth_configured_means_open(client: TestClient) -> None:
    assert (await client.get("/stats")).status == 200


async def test_cross_site_changes_are_refused(client: TestClient, queue: Queue) -> None:
    job = await queue.create("email", {})
    await queue.set_state(job.id, "failed")
    evil = {"Origin": "http://evil.example"}
    routes = [
        ("PUT", f"/job/{job.id}/state/complete"),
        ("DELETE", f"/job/{job.id}"),
        ("POST", f"/job/{job.id}/retry"),
        ("GET", f"/inactive/{job.id}"),
    ]
    for method, path in routes:
        response = await client.request(method, path, headers=evil)
        assert response.status == 403, path
        assert "cross-site" in (await response.json())["error"]
        fetched = await client.request(method, path, headers={"Sec-Fetch-Site": "cross-site"})
        assert fetched.status == 403, path
    post = await client.post("/job", json={"type": "x"}, headers=evil)
    assert post.status == 403
    assert (await queue.get(job.id)).state == "failed"
    assert await queue.count() == 1


async def test_same_origin_and_plain_clients_work(client: TestClient, queue: Queue) -> None:
    job = await queue.create("email", {})
    origin = str(client.make_url("/")).rstrip("/")
    same = {"Origin": origin, "Sec-Fetch-Site": "same-origin"}
    response = await client.put(f"/job/{job.id}/priority/high", headers=same)
    assert response.status == 200, await response.text()
    assert (await client.put(f"/job/{job.id}/priority/low")).status == 200  # curl, Kue clients
    reads = await client.get("/stats", headers={"Origin": "http://evil.example"})
    assert reads.status == 200  # reads are not protected (and no CORS header lets a page read)
    assert "Access-Control-Allow-Origin" not in reads.headers


async def test_bodies_must_be_json(client: TestClient, queue: Queue) -> None:
    form = await client.post("/job", data={"type": "x"})
    assert form.status == 415
    text = await client.post("/job", data='{"type":"x"}', headers={"Content-Type": "text/plain"})
    assert text.status == 415
    assert await queue.count() == 0


async def test_page_security_headers(client: TestClient) -> None:
    page = await client.get("/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_basic_auth_needs_user_and_password(queue: Queue, settings: Settings) -> None:
    with pytest.raises(ConfigError, match="set together"):
        create_app(queue, settings.replace(auth_user="admin"))
