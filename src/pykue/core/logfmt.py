"""Log lines as Kue's ``job.log(fmt, ...args)`` writes them (Node's ``util.format``).

Python values stand for their JSON counterparts: ``None`` is ``null``, dicts are objects, lists
and tuples are arrays. Objects are shown as Node's ``util.inspect`` shows them
(``{ an: 'object', n: [ 1, 2 ] }``), on one line when they fit in 80 columns, else one entry per
line. Node's grouping of long arrays into columns is not reproduced.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import orjson

_DIRECTIVE = re.compile(r"%[sdifjoOc%]")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_LEADING_INT = re.compile(r"^\s*([+-]?\d+)")
_LEADING_FLOAT = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
BREAK_LENGTH = 80
DEFAULT_DEPTH = 2
COMPACT = 3


def format_line(fmt: Any, *args: Any) -> str:
    """``util.format(fmt, ...args)``: ``%s %d %i %f %j %o %O %c %%``; extra args follow, with
    spaces (strings as they are, other values inspected)."""
    if not isinstance(fmt, str):
        return " ".join(_plain(v) for v in (fmt, *args))
    if not args:
        return fmt
    rest = list(args)

    def substitute(match: re.Match[str]) -> str:
        directive = match.group()
        if directive == "%%":
            return "%"
        if not rest:
            return directive
        return _directive(directive, rest.pop(0))

    line = _DIRECTIVE.sub(substitute, fmt)
    return " ".join([line, *(_plain(v) for v in rest)])


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else inspect(value)


def _directive(directive: str, value: Any) -> str:
    if directive == "%s":
        return value if isinstance(value, str) else inspect(value, depth=0)
    if directive == "%d":
        return js_number(_to_number(value))
    if directive == "%i":
        match = _LEADING_INT.match(_js_string(value))
        return str(int(match.group(1))) if match else "NaN"
    if directive == "%f":
        match = _LEADING_FLOAT.match(_js_string(value))
        return js_number(float(match.group(1))) if match else "NaN"
    if directive == "%j":
        return _json(value)
    if directive == "%c":
        return ""
    return inspect(value, depth=4 if directive == "%o" else DEFAULT_DEPTH)


def _to_number(value: Any) -> float:
    """JavaScript's ``Number(value)``."""
    if value is None:
        return 0.0
    if isinstance(value, bool | int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        try:
            return float(text)
        except ValueError:
            return math.nan
    return math.nan


def _js_string(value: Any) -> str:
    """JavaScript's ``String(value)`` for the values that matter to ``%i``/``%f``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float) or value is None:
        return inspect(value)
    return ""


def js_number(value: float) -> str:
    """A number as JavaScript prints it (``1``, ``1.5``, ``NaN``, ``Infinity``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def _json(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return "undefined"


def inspect(value: Any, depth: int = DEFAULT_DEPTH) -> str:
    """Node's ``util.inspect(value)`` for JSON-like Python values."""
    return _inspect(value, depth, 0, 0)[0]


def _inspect(value: Any, depth: int, level: int, current: int) -> tuple[str, int]:
    """The text of ``value`` at nesting ``level``, and Node's ``currentDepth`` after it (the
    level of the last object formatted, which decides whether a parent fits on one line)."""
    if isinstance(value, Mapping):
        items = [(_key(k), v) for k, v in value.items()]
        return _container(items, "{", "}", "[Object]", depth, level, current)
    if isinstance(value, list | tuple):
        return _container([("", v) for v in value], "[", "]", "[Array]", depth, level, current)
    return _scalar(value), current


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number(value)
    return _quote(value if isinstance(value, str) else str(value))


def _container(
    items: list[tuple[str, Any]],
    opening: str,
    closing: str,
    hidden: str,
    depth: int,
    level: int,
    current: int,
) -> tuple[str, int]:
    if not items:
        return opening + closing, current
    if level > depth:
        return hidden, current
    current, entries = level, []
    for key, item in items:
        text, current = _inspect(item, depth, level + 1, current)
        entries.append(f"{key}: {text}" if key else text)
    start = len(entries) + level * 2 + len(opening) + 10
    fits = start + sum(len(e) for e in entries) + len(entries) <= BREAK_LENGTH
    if fits and current - level < COMPACT and not any("\n" in e for e in entries):
        return f"{opening} {', '.join(entries)} {closing}", current
    pad = "\n" + " " * (level * 2 + 2)
    return f"{opening}{pad}{(',' + pad).join(entries)}\n{' ' * (level * 2)}{closing}", current


def _key(key: Any) -> str:
    text = str(key)
    return text if _IDENTIFIER.match(text) else _quote(text)


def _quote(text: str) -> str:
    """Node's string quoting: single quotes, unless the text holds some and no double ones."""
    quote = "'"
    if "'" in text:
        quote = '"' if '"' not in text else "`" if "`" not in text else "'"
    body = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    return quote + body.replace(quote, "\\" + quote) + quote
