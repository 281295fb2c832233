"""JSON columns (settings, exact API request/response) with secrets removed,
so nothing the store writes or exports can ever contain a token, and with the
base64 of attached files replaced by a reference (the files are stored once, apart)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

# A request re-sends every earlier attachment; kept inline, each answer's stored
# request would repeat megabytes. Shorter data: URLs are kept as they are.
DATA_URL_LIMIT = 1024

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


def slim(value: Any) -> Any:
    """A copy of `value` with long base64 data: URLs replaced by
    "data:<mime>;base64,<omitted: N bytes, sha256 H>" (H names the stored attachment)."""
    if isinstance(value, dict):
        return {k: slim(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [slim(v) for v in value]
    if isinstance(value, str) and len(value) > DATA_URL_LIMIT and value.startswith("data:"):
        head, comma, encoded = value.partition(",")
        if comma and head.endswith(";base64"):
            try:
                data = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                return f"{head},<omitted: {len(encoded)} characters>"
            digest = hashlib.sha256(data).hexdigest()
            return f"{head},<omitted: {len(data)} bytes, sha256 {digest}>"
    return value


def dump(value: Any) -> str | None:
    """Scrubbed, slimmed compact JSON text, or None for None."""
    if value is None:
        return None
    return json.dumps(slim(scrub(value)), ensure_ascii=False, separators=(",", ":"))


def load(text: str | None) -> Any:
    return None if text is None else json.loads(text)
