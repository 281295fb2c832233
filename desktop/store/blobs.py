"""JSON columns (settings, exact API request/response) with secrets removed,
so nothing the store writes or exports can ever contain a token."""

from __future__ import annotations

import json
from typing import Any

# Compared case-insensitively; the request body never should hold these, but
# a header dict or a client's debug record might.
SECRET_KEYS = frozenset(
    {
        "authorization",
        "cf-aig-authorization",
        "api_key",
        "api-key",
        "apikey",
        "x-api-key",
        "api_token",
        "access_token",
        "token",
        "password",
        "secret",
    }
)


def scrub(value: Any) -> Any:
    """A copy of `value` without any mapping key that names a secret."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if str(k).lower() not in SECRET_KEYS}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def dump(value: Any) -> str | None:
    """Scrubbed compact JSON text, or None for None."""
    if value is None:
        return None
    return json.dumps(scrub(value), ensure_ascii=False, separators=(",", ":"))


def load(text: str | None) -> Any:
    return None if text is None else json.loads(text)
