"""SockJS 0.3 framing, pure: frames, escaping, payloads, callbacks, transport wrappers."""

from __future__ import annotations

import json

import pytest

from pykue.rpc import sockjs


@pytest.mark.parametrize(
    ("messages", "frame"),
    [
        (["x"], 'a["x"]'),
        (["a", "b"], 'a["a","b"]'),
        (['{"method":0}\n'], 'a["{\\"method\\":0}\\n"]'),
        (["é"], 'a["é"]'),
        (["\u2028\u200c\u2060\ufff0\x01"], 'a["\\u2028\\u200c\\u2060\\ufff0\\u0001"]'),
        (["\ud800"], 'a["\\ud800"]'),
    ],
)
def test_message_frames(messages: list[str], frame: str) -> None:
    assert sockjs.message_frame(messages) == frame
    assert json.loads(frame[1:]) == messages


@pytest.mark.parametrize(
    ("code_reason", "frame"),
    [
        (sockjs.GO_AWAY, 'c[3000,"Go away!"]'),
        (sockjs.ANOTHER_CONNECTION, 'c[2010,"Another connection still open"]'),
        (sockjs.INTERRUPTED, 'c[1002,"Connection interrupted"]'),
        (sockjs.NORMAL, 'c[1000,"Normal closure"]'),
    ],
)
def test_close_frames(code_reason: tuple[int, str], frame: str) -> None:
    assert sockjs.close_frame(*code_reason) == frame


@pytest.mark.parametrize(
    ("body", "messages"),
    [('["a"]', ["a"]), ('["a","b"]', ["a", "b"]), ("[]", []), ('["\\u00e9"]', ["é"])],
)
def test_payloads(body: str, messages: list[str]) -> None:
    assert sockjs.parse_payload(body) == messages


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("", "Payload expected."),
        ("[", "Broken JSON encoding."),
        ('"x"', "Broken JSON encoding."),
        ("[1]", "Broken JSON encoding."),
        ('{"a":1}', "Broken JSON encoding."),
    ],
)
def test_bad_payloads(body: str, text: str) -> None:
    with pytest.raises(sockjs.PayloadError) as caught:
        sockjs.parse_payload(body)
    assert str(caught.value) == text


def test_websocket_accepts_a_single_string() -> None:
    assert sockjs.parse_payload('"x"', single_string=True) == ["x"]


@pytest.mark.parametrize(
    ("callback", "error"),
    [
        ("cb", None),
        ("a.b-c_9", None),
        (None, '"callback" parameter required'),
        ("", '"callback" parameter required'),
        ("a(b)", 'invalid "callback" parameter'),
        ("x;alert(1)", 'invalid "callback" parameter'),
    ],
)
def test_callbacks(callback: str | None, error: str | None) -> None:
    if error is None:
        assert sockjs.check_callback(callback) == callback
    else:
        with pytest.raises(sockjs.PayloadError, match=error.replace("(", r"\(")):
            sockjs.check_callback(callback)


def test_wrappers() -> None:
    assert sockjs.wrap_xhr("o") == "o\n"
    assert sockjs.wrap_eventsource('a["x"]') == 'data: a["x"]\r\n\r\n'
    assert sockjs.wrap_htmlfile('a["x"]') == '<script>\np("a[\\"x\\"]");\n</script>\r\n'
    assert sockjs.wrap_jsonp("cb", "o") == 'cb("o");\r\n'
    prelude = sockjs.htmlfile_prelude("cb")
    assert "var c = parent.cb;" in prelude
    assert len(prelude) > 1024
    assert prelude.endswith("\r\n\r\n")


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("iframe.html", True),
        ("iframe-a.html", True),
        ("iframe-0.3.4.html", True),
        ("iframe.htm", False),
        ("IFRAME.HTML", False),
        ("iframe-/.html", False),
    ],
)
def test_iframe_names(name: str, ok: bool) -> None:
    assert sockjs.is_iframe_name(name) is ok


def test_iframe_page_and_etag() -> None:
    page, etag = sockjs.iframe_page("http://cdn/sockjs.js")
    assert '<script src="http://cdn/sockjs.js"></script>' in page
    assert "SockJS.bootstrap_iframe()" in page
    assert etag.startswith('"')
    assert len(etag) == 34


@pytest.mark.parametrize(
    ("segment", "ok"),
    [("000", True), ("abc_def", True), ("", False), ("a.b", False), ("a/b", False)],
)
def test_segments(segment: str, ok: bool) -> None:
    assert sockjs.valid_segment(segment) is ok


def test_info_and_cors() -> None:
    body = sockjs.info()
    assert body["websocket"] is True
    assert body["cookie_needed"] is False
    assert body["origins"] == ["*:*"]
    assert 0 <= body["entropy"] < 2**32
    assert sockjs.cors_headers(None)["Access-Control-Allow-Origin"] == "*"
    assert sockjs.cors_headers("null")["Access-Control-Allow-Origin"] == "*"
    assert sockjs.cors_headers("http://a")["Access-Control-Allow-Origin"] == "http://a"
    pre = sockjs.preflight_headers("OPTIONS, POST", "x-a")
    assert pre["Access-Control-Allow-Headers"] == "x-a"
    assert pre["Cache-Control"] == "public, max-age=31536000"
