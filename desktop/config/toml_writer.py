"""A small TOML writer for the value types settings use (the standard library
reads TOML but cannot write it); its output always reads back with tomllib."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def dumps(data: Mapping[str, Any], header: str = "") -> str:
    """Serialise a mapping of str keys to TOML text. Supported values: str, int,
    float, bool, dates and times, lists of those, and (nested) tables — a list of
    tables becomes an array of tables."""
    lines: list[str] = [f"# {line}".rstrip() for line in header.splitlines()]
    if lines:
        lines.append("")
    _write_table(lines, (), data)
    return "\n".join(lines).strip("\n") + "\n"


def _write_table(lines: list[str], path: tuple[str, ...], table: Mapping[str, Any]) -> None:
    tables: list[tuple[str, Mapping[str, Any]]] = []
    arrays: list[tuple[str, Sequence[Mapping[str, Any]]]] = []
    for key, value in table.items():
        if not isinstance(key, str):
            raise TypeError(f"TOML keys must be str, not {type(key).__name__}")
        if isinstance(value, Mapping):
            tables.append((key, value))
        elif _is_table_array(value):
            arrays.append((key, value))
        else:
            lines.append(f"{format_key(key)} = {format_value(value)}")
    for key, sub in tables:
        lines.append("")
        lines.append(f"[{_dotted((*path, key))}]")
        _write_table(lines, (*path, key), sub)
    for key, items in arrays:
        for item in items:
            lines.append("")
            lines.append(f"[[{_dotted((*path, key))}]]")
            _write_table(lines, (*path, key), item)


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) > 0
        and all(isinstance(item, Mapping) for item in value)
    )


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(format_key(part) for part in path)


def format_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else format_string(key)


def format_string(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def format_value(value: Any) -> str:
    # bool before int: bool is a subclass of int.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return format_string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        if any(isinstance(item, Mapping) for item in value):
            raise TypeError("a list mixing tables and other values cannot be written as TOML")
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} as TOML")
