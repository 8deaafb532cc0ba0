"""The dnode protocol, pure: parsing, scrubbing and unscrubbing, with frames from the spec."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pykue.rpc import dnode


def line(**message: Any) -> str:
    return json.dumps(message)


class Proxy:
    def __init__(self, cb_id: int) -> None:
        self.id = cb_id

    def __call__(self, *args: Any) -> None:  # pragma: no cover - never called here
        raise AssertionError

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Proxy) and other.id == self.id

    def __hash__(self) -> int:
        return self.id


# -- parsing -------------------------------------------------------------------------------

SEED_LINES = [
    # (line, method, arguments, callbacks)
    (
        '{"method":"methods","arguments":[{"echo":"[Function]"}],"callbacks":{"0":["0","echo"]},'
        '"links":[]}',
        "methods",
        [{"echo": "[Function]"}],
        {0: ["0", "echo"]},
    ),
    (
        '{"method":0,"arguments":["hi","[Function]"],"callbacks":{"0":["1"]},"links":[]}',
        0,
        ["hi", "[Function]"],
        {0: ["1"]},
    ),
    ('{"method":"cull","arguments":[0]}', "cull", [0], {}),
    ('{"method":"echo","arguments":["x"]}', "echo", ["x"], {}),
    ('{"method":"echo"}', "echo", [], {}),
    (
        '{"method":"echo","arguments":[1,"[Function]"],"callbacks":{"3":[1]}}',
        "echo",
        [1, "[Function]"],
        {3: [1]},
    ),
]


@pytest.mark.parametrize(("text", "method", "arguments", "callbacks"), SEED_LINES)
def test_parse_line_reads_seed_frames(
    text: str, method: Any, arguments: list[Any], callbacks: dict[int, Any]
) -> None:
    message = dnode.parse_line(text)
    assert message is not None
    assert (message.method, message.arguments, message.callbacks) == (method, arguments, callbacks)


@pytest.mark.parametrize(
    "text",
    ["", "{", "not json", '{"method":', "\x00", "[" * 100_000],
)
def test_invalid_json_is_a_protocol_error(text: str) -> None:
    with pytest.raises(dnode.ProtocolError):
        dnode.parse_line(text)


@pytest.mark.parametrize(
    "text",
    [
        "[1,2]",
        "5",
        '"x"',
        "null",
        '{"arguments":[]}',
        '{"method":true}',
        '{"method":[1]}',
        '{"method":"echo","arguments":{"a":1}}',
    ],
)
def test_json_that_is_not_a_request_is_ignored(text: str) -> None:
    assert dnode.parse_line(text) is None


@pytest.mark.parametrize(
    "body",
    [
        {"method": "x", "callbacks": {"a": ["0"]}},
        {"method": "x", "callbacks": {"-1": ["0"]}},
        {"method": "x", "callbacks": {"0": "0"}},
        {"method": "x", "callbacks": {"0": [True]}},
        {"method": "x", "callbacks": {"0": ["0"] * 33}},
        {"method": "x", "callbacks": {str(i): [str(i)] for i in range(257)}},
        {"method": "x", "links": [{"from": ["0"]}]},
        {"method": "x", "links": [1]},
    ],
)
def test_broken_callbacks_and_links_are_protocol_errors(body: dict[str, Any]) -> None:
    with pytest.raises(dnode.ProtocolError):
        dnode.parse_line(json.dumps(body))


def test_line_limit() -> None:
    limits = dnode.Limits(max_line_bytes=100)
    with pytest.raises(dnode.ProtocolError, match="too long"):
        dnode.parse_line(line(method="echo", arguments=["x" * 200]), limits)


# -- scrubbing -----------------------------------------------------------------------------


def test_scrub_methods_frame_is_the_seeds() -> None:
    def echo(*_: Any) -> None: ...

    scrubber = dnode.Scrubber()
    message = dnode.request("methods", scrubber.scrub([{"echo": echo}]))
    assert dnode.encode(message) == (
        '{"method":"methods","arguments":[{"echo":"[Function]"}],'
        '"callbacks":{"0":["0","echo"]},"links":[]}\n'
    )


def test_scrub_ids_count_up_and_reuse_only_first_occurrence() -> None:
    def f() -> None: ...

    def g() -> None: ...

    scrubber = dnode.Scrubber()
    first = scrubber.scrub(["hi", f])
    assert first.callbacks == {"0": ["1"]}
    again = scrubber.scrub([f, {"x": [g, f]}])
    assert again.callbacks == {"0": ["0"], "1": ["1", "x", "0"], "2": ["1", "x", "1"]}
    assert again.arguments == ["[Function]", {"x": ["[Function]", "[Function]"]}]
    assert scrubber.local[2] is f


def test_scrub_cycle_becomes_circular_and_link() -> None:
    value: dict[str, Any] = {"a": 1}
    value["self"] = value
    scrubbed = dnode.Scrubber().scrub([value])
    assert dnode.encode(dnode.request(6, scrubbed)) == (
        '{"method":6,"arguments":[{"a":1,"self":"[Circular]"}],"callbacks":{},'
        '"links":[{"from":["0"],"to":["0","self"]}]}\n'
    )


def test_repeated_non_ancestor_is_copied_not_linked() -> None:
    shared = {"k": 1}
    scrubbed = dnode.Scrubber().scrub([[shared, shared]])
    assert scrubbed.arguments == [[{"k": 1}, {"k": 1}]]
    assert scrubbed.links == []


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (float("nan"), None),
        (float("inf"), None),
        ((1, 2), [1, 2]),
        (b"hi", {"type": "Buffer", "data": [104, 105]}),
        (ValueError("boom"), {"message": "boom"}),
        ("line\nbreak\u2028", "line\nbreak\u2028"),
    ],
)
def test_scrub_values_json_cannot_carry(value: Any, wire: Any) -> None:
    assert dnode.Scrubber().scrub([value]).arguments == [wire]


def test_forget_after_cull() -> None:
    def f() -> None: ...

    scrubber = dnode.Scrubber()
    scrubber.scrub([f])
    scrubber.forget(0)
    assert scrubber.scrub([f]).callbacks == {"1": ["0"]}


# -- unscrubbing ---------------------------------------------------------------------------


def unscrub(text: str) -> Any:
    message = dnode.parse_line(text)
    assert message is not None
    return dnode.unscrub(message, Proxy)


def test_unscrub_puts_proxies_at_string_and_number_paths() -> None:
    assert unscrub(
        '{"method":0,"arguments":[{"tag":"T","nested":[1,"[Function]"]},"[Function]"],'
        '"callbacks":{"0":["0","nested","1"],"1":[1]},"links":[]}'
    ) == [{"tag": "T", "nested": [1, Proxy(0)]}, Proxy(1)]


def test_unscrub_creates_missing_containers_and_ignores_bad_paths() -> None:
    args = unscrub('{"method":"x","arguments":[],"callbacks":{"0":["0","a","b"],"1":[]}}')
    assert args == [{"a": {"b": Proxy(0)}}]
    args = unscrub('{"method":"x","arguments":[[]],"callbacks":{"0":["0","x"],"1":["0","99999"]}}')
    assert args == [[]]


def test_unscrub_applies_links_for_cycles() -> None:
    args = unscrub(
        '{"method":6,"arguments":[{"a":1,"self":"[Circular]"}],"callbacks":{},'
        '"links":[{"from":["0"],"to":["0","self"]}]}'
    )
    assert args[0]["self"] is args[0]
    assert dnode.to_json_value(args) == [{"a": 1, "self": None}]


def test_to_json_value_turns_functions_into_null() -> None:
    value = {"tag": "T", "nested": [1, Proxy(0)]}
    assert dnode.to_json_value(value) == {"tag": "T", "nested": [1, None]}


def test_round_trip_through_encode_and_parse() -> None:
    def cb() -> None: ...

    scrubbed = dnode.Scrubber().scrub(["é", {"deep": [[cb]]}])
    message = dnode.parse_line(dnode.encode(dnode.request(3, scrubbed)).rstrip("\n"))
    assert message is not None
    assert dnode.unscrub(message, Proxy) == ["é", {"deep": [[Proxy(0)]]}]
