"""Errors that tell the truth: quota apart from rate limits, the server's reason and
request id kept, `x-should-retry` honoured, long waits shown, and never a token."""

from __future__ import annotations

import json
import threading
import time

import pytest

from desktop.api import (
    BadRequestError,
    CancelToken,
    QuotaExceededError,
    RequestCancelled,
    ResponseFailedError,
    ResponsesClient,
    ServerError,
    error_from_response,
)
from desktop.api.accumulator import ReplyAccumulator
from desktop.api.redact import redact
from tests.fakeserver import FakeResponsesServer

TOKEN = "cf-secret-token-0123456789"
BODY = {"model": "openai/gpt-5.4-pro", "input": "hi"}


@pytest.mark.parametrize("name", ["quota", "cf_quota"])
def test_quota_is_its_own_kind_and_never_retried(
    name: str, fake_server: FakeResponsesServer
) -> None:
    fake_server.set_default(name, retry_after="0")
    client = ResponsesClient(fake_server.base_url, TOKEN, backoff_base=0.01)
    with pytest.raises(QuotaExceededError) as info:
        client.create(BODY)
    error = info.value
    assert len(fake_server.requests) == 1
    assert not error.retryable and error.action is None
    assert "used up" in error.user_message or "no quota left" in error.user_message
    assert "Too many requests" not in error.user_message
    assert error.request_id == ("8f0fake0001-LHR" if name == "cf_quota" else "req_fake0001")
    assert error.detail and error.detail in error.details()


def test_cloudflare_3036_names_the_daily_allocation() -> None:
    body = {"success": False, "errors": [{"code": 3036, "message": "used up"}], "messages": []}
    error = error_from_response(429, json.dumps(body), {})
    assert isinstance(error, QuotaExceededError)
    assert "daily free" in error.user_message and "Cloudflare" in error.user_message


@pytest.mark.parametrize(
    "code", ["insufficient_quota", "billing_hard_limit_reached", "insufficient_balance"]
)
def test_billing_codes_are_quota(code: str) -> None:
    body = {"error": {"message": "no", "type": code, "code": code}}
    assert isinstance(error_from_response(429, json.dumps(body), {}), QuotaExceededError)
    assert isinstance(error_from_response(403, json.dumps(body), {}), QuotaExceededError)


def test_quota_in_a_failed_stream_event() -> None:
    acc = ReplyAccumulator()
    event = {"type": "error", "code": "insufficient_quota", "message": "quota used up"}
    with pytest.raises(QuotaExceededError):
        acc.feed_sse("error", json.dumps(event))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500, 503])
def test_the_server_reason_and_request_id_are_kept_for_every_status(status: int) -> None:
    body = {"error": {"message": f"reason {status}", "type": "x", "code": None}}
    error = error_from_response(status, json.dumps(body), {"x-request-id": "req_42"})
    assert error.detail == f"reason {status}" and error.request_id == "req_42"
    assert f"HTTP {status}" in error.details() and "req_42" in error.details()


def test_a_quoted_authorization_header_is_redacted(fake_server: FakeResponsesServer) -> None:
    fake_server.set_default("echo_auth")
    client = ResponsesClient(fake_server.base_url, TOKEN)
    with pytest.raises(BadRequestError) as info:
        client.create(BODY)
    error = info.value
    assert fake_server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    for text in (error.user_message, error.cli_message, error.details(), str(error), repr(error)):
        assert TOKEN not in text and "Bearer" not in text
    assert "[redacted]" in error.user_message


def test_redact_removes_the_token_and_any_bearer_string() -> None:
    text = f'auth "Bearer abc.def-123" and {TOKEN} and bearer\txyz'
    assert redact(text, [TOKEN]) == 'auth "[redacted]" and [redacted] and [redacted]'


def test_should_retry_false_is_honoured(fake_server: FakeResponsesServer) -> None:
    fake_server.set_default("http_503", retry_after="0", should_retry="false")
    client = ResponsesClient(fake_server.base_url, TOKEN, backoff_base=0.01)
    with pytest.raises(ServerError):
        client.create(BODY)
    assert len(fake_server.requests) == 1


def test_should_retry_true_retries_a_status_that_is_not_retried_otherwise(
    fake_server: FakeResponsesServer,
) -> None:
    fake_server.enqueue("http_400", should_retry="true")
    client = ResponsesClient(fake_server.base_url, TOKEN, backoff_base=0.01)
    client.create(BODY)
    assert len(fake_server.requests) == 2


def test_a_long_retry_after_is_waited_out_visibly_and_can_be_stopped(
    fake_server: FakeResponsesServer,
) -> None:
    fake_server.set_default("http_429", retry_after="120")
    token = CancelToken()
    waits: list[float] = []
    stopped: list[float] = []

    def on_wait(seconds: float) -> None:
        waits.append(seconds)
        # Stop pressed a little after the countdown appeared.
        threading.Timer(0.2, lambda: (stopped.append(time.monotonic()), token.cancel())).start()

    client = ResponsesClient(fake_server.base_url, TOKEN, on_wait=on_wait)
    with pytest.raises(RequestCancelled):
        client.create(BODY, token)
    assert waits == [120.0]
    assert time.monotonic() - stopped[0] < 0.5
    assert len(fake_server.requests) == 1


def test_a_brief_rate_limit_is_still_retried(fake_server: FakeResponsesServer) -> None:
    fake_server.enqueue("http_429", retry_after="0")
    client = ResponsesClient(fake_server.base_url, TOKEN)
    client.create(BODY)
    assert len(fake_server.requests) == 2


def test_a_failure_mid_stream_names_the_request(fake_server: FakeResponsesServer) -> None:
    fake_server.set_default("error_event")
    client = ResponsesClient(fake_server.base_url, TOKEN)
    with pytest.raises(ResponseFailedError) as info:
        list(client.stream(BODY))
    assert info.value.request_id == "req_fake_stream01"
    assert "request id req_fake_stream01" in info.value.details()
