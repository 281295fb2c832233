"""Remove credentials from anything a server said before it is shown, logged or saved.

A proxy or gateway may quote the request's Authorization header back in an error
message; that text reaches the error banner, the history and exports. Every place
where server text enters Parley passes it through `redact` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[redacted]"
# "Bearer <credential>" in any case, as an Authorization header is quoted; the
# credential ends at whitespace or at the quote/punctuation that closes it.
_BEARER = re.compile(r"\bbearer\s+[^\s\"'`,;)}\]]+", re.IGNORECASE)
# Secrets shorter than this are not searched for: a one-letter "token" set by a test
# or a local server would otherwise blank out every occurrence of that letter.
MIN_SECRET = 6


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with each secret and every "Bearer …" string replaced by "[redacted]"."""
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET and secret in text:
            text = text.replace(secret, REDACTED)
    return _BEARER.sub(REDACTED, text)


def redact_optional(text: str | None, secrets: Iterable[str | None] = ()) -> str | None:
    return None if text is None else redact(text, secrets)
