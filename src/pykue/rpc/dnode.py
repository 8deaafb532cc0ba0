"""The dnode protocol (dnode 1.2.2 / dnode-protocol 0.2.2), pure: no I/O, no event loop.

A message is one JSON object per line::

    {"method": <name or callback id>, "arguments": [...], "callbacks": {"<id>": <path>},
     "links": [{"from": <path>, "to": <path>}]}

Sending *scrubs* the arguments: every function becomes ``"[Function]"`` and its path is recorded
under a callback id (``Scrubber``); an object met again inside itself becomes ``"[Circular]"``
plus a link. Receiving *unscrubs*: a proxy is put at each callback path and links are applied
(``unscrub``). ``parse_line`` checks a received line against ``Limits`` first.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict

Key = str | int
Path = list[Key]
FUNCTION = "[Function]"
CIRCULAR = "[Circular]"
RESERVED = frozenset({"methods", "cull"})


class ProtocolError(ValueError):
    """A received line breaks the protocol or a limit: the connection should end."""


class WireMessage(TypedDict, total=False):
    """A dnode message as it travels (``cull`` frames carry only the first two keys)."""

    method: str | int
    arguments: list[Any]
    callbacks: dict[str, list[str]]
    links: list[dict[str, list[str]]]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what a peer may send in one line."""

    max_line_bytes: int = 1_048_576
    max_callbacks_per_message: int = 256
    max_links_per_message: int = 256
    max_path_length: int = 32
    max_array_index: int = 10_000
    max_depth: int = 64


@dataclass(frozen=True, slots=True)
class Message:
    """A parsed, validated incoming message (arguments still scrubbed)."""

    method: str | int
    arguments: list[Any]
    callbacks: dict[int, Path]
    links: list[tuple[Path, Path]]


def _key(value: Any) -> Key:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ProtocolError(f"bad path key {value!r}")
    return value


def _path(value: Any, limits: Limits) -> Path:
    if not isinstance(value, list) or len(value) > limits.max_path_length:
        raise ProtocolError("bad path")
    return [_key(k) for k in value]


def _callbacks(value: Any, limits: Limits) -> dict[int, Path]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > limits.max_callbacks_per_message:
        raise ProtocolError("bad or too many callbacks")
    out: dict[int, Path] = {}
    for raw_id, path in value.items():
        try:
            cb_id = int(raw_id)
        except ValueError:
            raise ProtocolError(f"bad callback id {raw_id!r}") from None
        if cb_id < 0:
            raise ProtocolError(f"bad callback id {raw_id!r}")
        out[cb_id] = _path(path, limits)
    return out


def _links(value: Any, limits: Limits) -> list[tuple[Path, Path]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > limits.max_links_per_message:
        raise ProtocolError("bad or too many links")
    out = []
    for link in value:
        if not isinstance(link, dict):
            raise ProtocolError("bad link")
        out.append((_path(link.get("from"), limits), _path(link.get("to"), limits)))
    return out


def parse_line(line: str | bytes, limits: Limits | None = None) -> Message | None:
    """Parse one line (without its newline). ``ProtocolError`` for invalid JSON (dnode ends the
    stream then) or a broken limit; ``None`` for valid JSON that is not a usable request (dnode
    emits ``fail`` and carries on)."""
    limits = limits or Limits()
    if len(line) > limits.max_line_bytes:
        raise ProtocolError("line too long")
    try:
        body = json.loads(line)
    except (ValueError, RecursionError):
        raise ProtocolError("invalid JSON") from None
    if _deeper_than(body, limits.max_depth):
        raise ProtocolError("value nested too deeply")
    if not isinstance(body, dict):
        return None
    method = body.get("method")
    if isinstance(method, bool) or not isinstance(method, str | int):
        return None
    arguments = body.get("arguments")
    if arguments is None:
        arguments = []
    if not isinstance(arguments, list):
        return None
    callbacks = _callbacks(body.get("callbacks"), limits)
    return Message(method, arguments, callbacks, _links(body.get("links"), limits))


def _deeper_than(value: Any, limit: int) -> bool:
    """True if arrays/objects nest more than ``limit`` levels (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if not isinstance(node, dict | list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def encode(message: WireMessage) -> str:
    """One line, newline included (compact JSON, like ``JSON.stringify``)."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n"


def request(method: str | int, scrubbed: ScrubResult) -> WireMessage:
    """A message calling ``method`` (a name or a callback id) with scrubbed arguments."""
    return {
        "method": method,
        "arguments": scrubbed.arguments,
        "callbacks": scrubbed.callbacks,
        "links": scrubbed.links,
    }


def cull(ids: list[int]) -> WireMessage:
    """A ``cull`` message: the receiver may forget these of its callback ids."""
    return {"method": "cull", "arguments": list(ids)}


# -- scrubbing -------------------------------------------------------------------------------


@dataclass(slots=True)
class ScrubResult:
    arguments: list[Any]
    callbacks: dict[str, list[str]]
    links: list[dict[str, list[str]]]


def is_function(value: Any) -> bool:
    """What the protocol treats as a function: any callable that is not a class."""
    return callable(value) and not isinstance(value, type)


class Scrubber:
    """The sender's callback table: id -> local function, ids never reused."""

    def __init__(self) -> None:
        self.local: dict[int, Callable[..., Any]] = {}
        self._ids: dict[int, int] = {}
        self._next = 0

    def __len__(self) -> int:
        return len(self.local)

    def forget(self, cb_id: int) -> None:
        """Drop a local callback (the peer culled it)."""
        fn = self.local.pop(cb_id, None)
        if fn is not None and self._ids.get(id(fn)) == cb_id:
            del self._ids[id(fn)]

    def _register(self, fn: Callable[..., Any], used: set[int]) -> int:
        known = self._ids.get(id(fn))
        if known is not None and known not in used and self.local.get(known) is fn:
            used.add(known)
            return known
        cb_id = self._next
        self._next += 1
        self.local[cb_id] = fn
        self._ids.setdefault(id(fn), cb_id)
        used.add(cb_id)
        return cb_id

    def scrub(self, arguments: list[Any]) -> ScrubResult:
        """Deep-copy ``arguments`` into JSON values, recording functions and cycles."""
        walk = _Walk(self)
        copied = walk.value(list(arguments), [], [])
        return ScrubResult(copied, walk.callbacks, walk.links)


class _Walk:
    def __init__(self, scrubber: Scrubber) -> None:
        self.scrubber = scrubber
        self.used: set[int] = set()
        self.callbacks: dict[str, list[str]] = {}
        self.links: list[dict[str, list[str]]] = []

    def value(self, value: Any, path: list[str], parents: list[tuple[int, list[str]]]) -> Any:
        if value is None or isinstance(value, bool | int | str):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else None
        if is_function(value):
            cb_id = self.scrubber._register(value, self.used)
            self.callbacks[str(cb_id)] = list(path)
            return FUNCTION
        if isinstance(value, dict | list | tuple):
            return self.container(value, path, parents)
        return _plain(value)

    def container(
        self,
        value: dict[Any, Any] | list[Any] | tuple[Any, ...],
        path: list[str],
        parents: list[tuple[int, list[str]]],
    ) -> Any:
        for parent_id, parent_path in parents:
            if parent_id == id(value):
                self.links.append({"from": list(parent_path), "to": list(path)})
                return CIRCULAR
        inner = [*parents, (id(value), path)]
        if isinstance(value, dict):
            return {str(k): self.value(v, [*path, str(k)], inner) for k, v in value.items()}
        return [self.value(v, [*path, str(i)], inner) for i, v in enumerate(value)]


def _plain(value: Any) -> Any:
    """Values JSON cannot carry, as dnode turns them into JSON (dates as ISO strings...)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return {"type": "Buffer", "data": list(value)}
    if isinstance(value, BaseException):
        return {"message": str(value)}
    if isinstance(value, set | frozenset):
        return list(value)
    return str(value)


# -- unscrubbing ------------------------------------------------------------------------------


def unscrub(message: Message, proxy: Callable[[int], Any], limits: Limits | None = None) -> Any:
    """The arguments with a proxy (``proxy(id)``) at every callback path, then links applied."""
    limits = limits or Limits()
    root: list[Any] = message.arguments
    for cb_id, path in message.callbacks.items():
        if path:
            _set(root, path, proxy(cb_id), limits)
    for source, target in message.links:
        found, value = _get(root, source)
        if found and target:
            _set(root, target, value, limits)
    return root


def _index(container: list[Any], key: Key, limits: Limits) -> int | None:
    try:
        index = int(key)
    except ValueError:
        return None
    if index < 0 or index > limits.max_array_index:
        return None
    while len(container) <= index:
        container.append(None)
    return index


def _step(container: Any, key: Key, limits: Limits) -> Any:
    """The child at ``key``, creating an object there if it is missing; None if impossible."""
    if isinstance(container, list):
        index = _index(container, key, limits)
        if index is None:
            return None
        if not isinstance(container[index], dict | list):
            container[index] = {}
        return container[index]
    if isinstance(container, dict):
        child = container.get(str(key))
        if not isinstance(child, dict | list):
            child = container[str(key)] = {}
        return child
    return None


def _set(root: Any, path: Path, value: Any, limits: Limits) -> None:
    node = root
    for key in path[:-1]:
        node = _step(node, key, limits)
        if node is None:
            return
    last = path[-1]
    if isinstance(node, list):
        index = _index(node, last, limits)
        if index is not None:
            node[index] = value
    elif isinstance(node, dict):
        node[str(last)] = value


def _get(root: Any, path: Path) -> tuple[bool, Any]:
    node = root
    for key in path:
        if isinstance(node, list):
            try:
                node = node[int(key)]
            except (ValueError, IndexError):
                return False, None
        elif isinstance(node, Mapping):
            if str(key) not in node:
                return False, None
            node = node[str(key)]
        else:
            return False, None
    return True, node


def to_json_value(value: Any, _parents: tuple[int, ...] = ()) -> Any:
    """A plain JSON copy of a received value: functions and cycles become ``None`` (what Kue's
    ``JSON.stringify`` of the job data gives for functions)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if is_function(value) or id(value) in _parents:
        return None
    if isinstance(value, dict):
        inner = (*_parents, id(value))
        return {str(k): to_json_value(v, inner) for k, v in value.items()}
    if isinstance(value, list | tuple):
        inner = (*_parents, id(value))
        return [to_json_value(v, inner) for v in value]
    return _plain(value)
