"""Log lines as Kue's ``job.log(fmt, ...args)`` writes them (Node's ``util.format``)."""

from __future__ import annotations

import re
from typing import Any

import orjson

_DIRECTIVE = re.compile(r"%[sdifjoO%]")


def format_line(fmt: Any, *args: Any) -> str:
    """``%s %d %i %f %j %o %O %%`` as Node formats them; extra args are appended with spaces."""
    if not isinstance(fmt, str):
        return " ".join(_show(v) for v in (fmt, *args))
    rest = list(args)

    def substitute(match: re.Match[str]) -> str:
        directive = match.group()
        if directive == "%%":
            return "%"
        if not rest:
            return directive
        return _directive(directive, rest.pop(0))

    line = _DIRECTIVE.sub(substitute, fmt)
    return " ".join([line, *(_show(v) for v in rest)])


def _directive(directive: str, value: Any) -> str:
    if directive == "%s":
        return value if isinstance(value, str) else _show(value)
    if directive in ("%d", "%i"):
        try:
            return str(int(float(value)))
        except (TypeError, ValueError):
            return "NaN"
    if directive == "%f":
        try:
            return repr(float(value))
        except (TypeError, ValueError):
            return "NaN"
    return _json(value)


def _show(value: Any) -> str:
    return value if isinstance(value, str) else _json(value)


def _json(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return repr(value)
