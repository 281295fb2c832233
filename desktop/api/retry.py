"""When to try a request again and how long to wait first.

Only failures before any answer arrived are retried (the caller enforces that); here
live the status rules, the server's `x-should-retry` verdict, exponential backoff with
jitter, and `Retry-After` parsing.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping

RETRY_STATUSES = frozenset({408, 409, 429})
# A server asking to wait longer than this gets an error the person can read; up to
# it, the wait is shown (a countdown in the app, a line from `parley ask`) and can be
# stopped. Fifteen minutes covers per-minute and per-hour limits, not daily ones.
MAX_WAIT = 900.0
BACKOFF_CAP = 8.0


def is_retryable_status(status: int) -> bool:
    return status in RETRY_STATUSES or 500 <= status <= 599


def should_retry(status: int, headers: Mapping[str, str]) -> bool:
    """The server's own `x-should-retry: true|false` wins over the status rules."""
    verdict = (headers.get("x-should-retry") or "").strip().lower()
    if verdict in ("true", "false"):
        return verdict == "true"
    return is_retryable_status(status)


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms`, `Retry-After` seconds or date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass  # a malformed hint is no hint; fall back to Retry-After
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass  # not a number: it may be an HTTP date
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def backoff_delay(attempt: int, base: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random, capped."""
    ceiling = min(BACKOFF_CAP, base * 2.0**attempt)
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def describe_wait(seconds: float) -> str:
    if seconds < 90:
        return f"{round(seconds)} seconds"
    if seconds < 5400:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / 3600)} hours"
