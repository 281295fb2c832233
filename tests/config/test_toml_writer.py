"""The TOML writer's output always reads back to the same data."""

from __future__ import annotations

import datetime as dt
import math
import tomllib

import pytest

from desktop.config.toml_writer import dumps

TRICKY_STRINGS = [
    "",
    "plain",
    'quote " and backslash \\',
    "new\nline\ttab\rreturn\bback\fform",
    "control \x00 \x01 \x1f \x7f",
    "unicode: √∂ — 日本語 😀",
    "'''triple'''",
    '"""triple"""',
    "# not a comment",
    "key = value",
]


@pytest.mark.parametrize("text", TRICKY_STRINGS)
def test_strings_round_trip(text: str) -> None:
    assert tomllib.loads(dumps({"s": text}))["s"] == text


def test_scalars_arrays_and_tables_round_trip() -> None:
    data = {
        "int": -42,
        "big": 10**15,
        "float": 0.1,
        "small": 1e-07,
        "whole_float": 2.0,
        "bools": [True, False],
        "empty": [],
        "nested": [[1, 2], ["a"]],
        "when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "day": dt.date(2026, 1, 2),
        "weird key": "quoted",
        "table": {"a": 1, "sub": {"b": "c"}},
        "items": [{"name": "one", "text": "1"}, {"name": "two", "text": "2", "sub": {"x": 1}}],
    }
    assert tomllib.loads(dumps(data)) == data


def test_special_floats() -> None:
    back = tomllib.loads(dumps({"a": math.inf, "b": -math.inf, "c": math.nan}))
    assert back["a"] == math.inf and back["b"] == -math.inf and math.isnan(back["c"])


def test_header_becomes_comments() -> None:
    text = dumps({"a": 1}, header="first\nsecond")
    assert text.startswith("# first\n# second\n")
    assert tomllib.loads(text) == {"a": 1}


@pytest.mark.parametrize("value", [object(), {1: "x"}, [{"a": 1}, 2]])
def test_unsupported_values_raise(value: object) -> None:
    with pytest.raises(TypeError):
        dumps({"v": value})
