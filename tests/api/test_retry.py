"""Retry-After parsing and backoff bounds."""

from __future__ import annotations

import random
from email.utils import formatdate

from desktop.api.retry import backoff_delay, describe_wait, is_retryable_status, retry_after


def test_retryable_statuses() -> None:
    assert all(is_retryable_status(s) for s in (408, 409, 429, 500, 502, 503, 599))
    assert not any(is_retryable_status(s) for s in (400, 401, 403, 404, 422))


def test_retry_after_forms() -> None:
    assert retry_after({"retry-after": "7"}) == 7
    assert retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after({}) is None
    assert retry_after({"retry-after": "soon"}) is None
    now = 1_800_000_000.0
    assert retry_after({"retry-after": formatdate(now + 30, usegmt=True)}, now=now) == 30
    assert retry_after({"retry-after": formatdate(now - 30, usegmt=True)}, now=now) == 0


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    rng = random.Random(1)
    for attempt in range(6):
        delay = backoff_delay(attempt, 0.5, rng)
        ceiling = min(8.0, 0.5 * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling


def test_describe_wait() -> None:
    assert describe_wait(30) == "30 seconds"
    assert describe_wait(300) == "5 minutes"
    assert describe_wait(7200) == "2 hours"
