"""Log lines formatted as Node's util.format / util.inspect (kue-wire §6.10).

Expected strings were produced by Node 20's ``util.format`` with the same arguments (JSON-like
values: None for null, dicts for objects, lists for arrays).
"""

from __future__ import annotations

from typing import Any

import pytest

from pykue.core.logfmt import format_line, inspect, js_number

NODE_CASES: list[tuple[tuple[Any, ...], str]] = [
    (
        ("processing %s with %d things", "critical mail", 3),
        "processing critical mail with 3 things",
    ),
    (({"an": "object", "n": [1, 2]},), "{ an: 'object', n: [ 1, 2 ] }"),
    (("%d", 1.5), "1.5"),
    (("%i", 1.5), "1"),
    (("%f", "3.25abc"), "3.25"),
    (("%d", "abc"), "NaN"),
    (("%d", "42"), "42"),
    (("%i", "  -7x"), "-7"),
    (("%j", {"a": [1, "x"]}), '{"a":[1,"x"]}'),
    (("%s", {"a": {"b": 1}}), "{ a: [Object] }"),
    (("%s", [1, [2]]), "[ 1, [Array] ]"),
    (("%s", None), "null"),
    (("%s", True), "true"),
    (("%s", 1), "1"),
    (("100%%",), "100%%"),
    (("100%% %s", "x"), "100% x"),
    (("a %s",), "a %s"),
    (("a", "b", {"c": 1}), "a b { c: 1 }"),
    (("%o", {"a": {"b": {"c": {"d": 1}}}}), "{\n  a: { b: { c: { d: 1 } } }\n}"),
    (("%O", {"a": {"b": {"c": {"d": {"e": 1}}}}}), "{ a: { b: { c: [Object] } } }"),
    (({"a": {"b": {"c": {"d": 1}}}},), "{ a: { b: { c: [Object] } } }"),
    (("it's",), "it's"),
    (({"s": "it's", "t": 'say "hi"'},), '{ s: "it\'s", t: \'say "hi"\' }'),
    (({"my-key": 1, "ok": 2},), "{ 'my-key': 1, ok: 2 }"),
    (([],), "[]"),
    (({},), "{}"),
    ((None,), "null"),
    (
        (
            {
                "long": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                "n": 1,
            },
        ),
        "{\n  long: '" + "x" * 70 + "',\n  n: 1\n}",
    ),
    (
        (
            {
                "a": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                "b": "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
                "c": [1, 2, 3],
            },
        ),
        "{\n  a: '" + "x" * 30 + "',\n  b: '" + "y" * 30 + "',\n  c: [ 1, 2, 3 ]\n}",
    ),
    (("%c", "css", "tail"), " tail"),
    (("%s", "x", "extra", 5), "x extra 5"),
    (("%s %s", "only"), "only %s"),
    (
        ({"nested": {"arr": [{"x": 1}, {"y": [1, 2]}]}},),
        "{ nested: { arr: [ [Object], [Object] ] } }",
    ),
    ((1.5, "str", True), "1.5 str true"),
]


@pytest.mark.parametrize(("args", "expected"), NODE_CASES)
def test_like_node_util_format(args: tuple[Any, ...], expected: str) -> None:
    assert format_line(*args) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.0, "1"), (0.5, "0.5"), (float("nan"), "NaN"), (float("inf"), "Infinity"), (-2.0, "-2")],
)
def test_js_number(value: float, text: str) -> None:
    assert js_number(value) == text


def test_inspect_tuples_and_other_objects() -> None:
    assert inspect((1, "a")) == "[ 1, 'a' ]"
    assert inspect({"k": {1, 2}.__class__.__name__}) == "{ k: 'set' }"
    assert inspect("back\\slash\n") == "'back\\\\slash\\n'"
