"""The dnode peer without a network: the exact exchanges captured from the seed (spec 1.4, 1.8)."""

from __future__ import annotations

import asyncio
import gc
import json
from typing import Any

from pykue.rpc import dnode
from pykue.rpc.session import Peer, PeerLimits


class Wire:
    """Collects what a peer sends and whether it ended the connection."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.ended = False

    def send(self, line: str) -> None:
        self.lines.append(line)

    def end(self) -> None:
        self.ended = True

    def take(self) -> list[str]:
        lines, self.lines = self.lines, []
        return lines


def echo_peer(wire: Wire, **kwargs: Any) -> Peer:
    def echo(s: Any, cb: Any) -> None:
        cb(s)

    return Peer({"echo": echo}, wire.send, wire.end, **kwargs)


def test_methods_frame_and_echo_by_id_as_captured() -> None:
    wire = Wire()
    peer = echo_peer(wire)
    peer.start()
    assert wire.take() == [
        '{"method":"methods","arguments":[{"echo":"[Function]"}],'
        '"callbacks":{"0":["0","echo"]},"links":[]}\n'
    ]
    peer.feed('{"method":"methods","arguments":[{}],"callbacks":{},"links":[]}\n')
    peer.feed('{"method":0,"arguments":["hi","[Function]"],"callbacks":{"0":["1"]},"links":[]}\n')
    assert wire.take() == ['{"method":0,"arguments":["hi"],"callbacks":{},"links":[]}\n']


def test_callback_passed_back_is_relayed_as_captured() -> None:
    wire = Wire()
    peer = echo_peer(wire)
    peer.start()
    wire.take()
    peer.feed(
        '{"method":0,"arguments":[{"tag":"T","nested":[1,"[Function]"]},"[Function]"],'
        '"callbacks":{"0":["0","nested","1"],"1":["1"]},"links":[]}\n'
    )
    assert wire.take() == [
        '{"method":1,"arguments":[{"tag":"T","nested":[1,"[Function]"]}],'
        '"callbacks":{"1":["0","nested","1"]},"links":[]}\n'
    ]
    peer.feed('{"method":1,"arguments":["ping",2],"callbacks":{},"links":[]}\n')
    assert wire.take() == ['{"method":0,"arguments":["ping",2],"callbacks":{},"links":[]}\n']


def test_cycles_are_echoed_with_links() -> None:
    wire = Wire()
    peer = echo_peer(wire)
    peer.feed(
        '{"method":"echo","arguments":[{"a":1,"self":"[Circular]"},"[Function]"],'
        '"callbacks":{"6":["1"]},"links":[{"from":["0"],"to":["0","self"]}]}\n'
    )
    assert wire.take() == [
        '{"method":6,"arguments":[{"a":1,"self":"[Circular]"}],"callbacks":{},'
        '"links":[{"from":["0"],"to":["0","self"]}]}\n'
    ]


def test_one_proxy_per_remote_id() -> None:
    wire = Wire()
    seen: list[Any] = []
    peer = Peer({"keep": lambda f: seen.append(f)}, wire.send, wire.end)
    peer.feed('{"method":"keep","arguments":["[Function]"],"callbacks":{"4":["0"]}}\n')
    peer.feed('{"method":"keep","arguments":["[Function]"],"callbacks":{"4":["0"]}}\n')
    assert seen[0] is seen[1]


def test_cull_forgets_local_callbacks() -> None:
    wire = Wire()
    got: list[Any] = []
    peer = Peer({}, wire.send, wire.end)
    peer.call("x", lambda v: got.append(v))
    peer.feed('{"method":"cull","arguments":[0]}\n')
    peer.feed('{"method":0,"arguments":[1]}\n')
    assert got == []
    assert not wire.ended


def test_culls_are_sent_when_proxies_die_if_enabled() -> None:
    wire = Wire()
    peer = echo_peer(wire, send_culls=True)
    peer.feed('{"method":"echo","arguments":["hi","[Function]"],"callbacks":{"0":["1"]}}\n')
    gc.collect()
    assert wire.take() == [
        '{"method":0,"arguments":["hi"],"callbacks":{},"links":[]}\n',
        '{"method":"cull","arguments":[0]}\n',
    ]


def test_unknown_methods_and_bad_requests_are_ignored() -> None:
    wire = Wire()
    peer = echo_peer(wire)
    for line in ['{"method":"nope"}', '{"method":99}', "[1]", '{"method":"__init__"}']:
        peer.feed(line + "\n")
    assert wire.take() == []
    assert not wire.ended


def test_invalid_line_ends_the_connection_and_later_input_is_dropped() -> None:
    wire = Wire()
    peer = echo_peer(wire)
    peer.feed("\n")
    assert wire.ended
    assert peer.closed
    peer.feed('{"method":"echo","arguments":["x","[Function]"],"callbacks":{"0":["1"]}}\n')
    assert wire.take() == []


def test_exceptions_go_to_the_last_callback() -> None:
    wire = Wire()

    def broken(cb: Any) -> None:
        raise RuntimeError("nope")

    peer = Peer({"broken": broken}, wire.send, wire.end)
    peer.feed('{"method":"broken","arguments":["[Function]"],"callbacks":{"3":["0"]}}\n')
    assert json.loads(wire.take()[0]) == {
        "method": 3,
        "arguments": [{"message": "nope"}],
        "callbacks": {},
        "links": [],
    }
    peer.feed('{"method":"broken","arguments":[]}\n')  # no callback: only logged
    assert not wire.ended


def test_deeply_nested_values_do_not_break_the_peer() -> None:
    wire = Wire()
    peer = echo_peer(wire)
    fine = "[" * 60 + "]" * 60
    peer.feed('{"method":"echo","arguments":[' + fine + ',"[Function]"],"callbacks":{"0":["1"]}}\n')
    assert json.loads(wire.take()[0])["arguments"] == json.loads("[" + fine + "]")
    deep = "[" * 900 + "]" * 900
    peer.feed('{"method":"echo","arguments":[' + deep + ',"[Function]"],"callbacks":{"0":["1"]}}\n')
    assert wire.take() == []
    assert wire.ended


async def test_coroutine_methods_run_as_tasks_and_stop_with_the_connection() -> None:
    wire = Wire()
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def slow(cb: Any) -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    peer = Peer({"slow": slow}, wire.send, wire.end)
    peer.feed('{"method":"slow","arguments":["[Function]"],"callbacks":{"0":["0"]}}\n')
    await asyncio.wait_for(started.wait(), 2)
    peer.closed_by_transport()
    await asyncio.wait_for(cancelled.wait(), 2)


async def test_limits() -> None:
    wire = Wire()
    peer = Peer(
        {"hold": lambda *a: asyncio.sleep(10)},
        wire.send,
        wire.end,
        limits=PeerLimits(max_pending_calls=3),
    )
    for _ in range(4):
        peer.feed('{"method":"hold","arguments":[]}\n')
    assert wire.ended

    wire = Wire()
    peer = Peer(
        {}, wire.send, wire.end, limits=PeerLimits(protocol=dnode.Limits(max_line_bytes=50))
    )
    peer.feed("x" * 60)
    assert wire.ended

    wire = Wire()
    kept: list[Any] = []
    peer = Peer(
        {"keep": kept.append}, wire.send, wire.end, limits=PeerLimits(max_remote_callbacks=5)
    )
    for i in range(6):
        peer.feed(f'{{"method":"keep","arguments":["[Function]"],"callbacks":{{"{i}":["0"]}}}}\n')
    assert wire.ended
