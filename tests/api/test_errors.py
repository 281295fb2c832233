"""Error mapping: every status, both envelopes, non-JSON bodies, one sentence each."""

from __future__ import annotations

import json

import pytest

from desktop.api import errors as e

OPENAI = json.dumps({"error": {"message": "Bad key sk-x", "type": "invalid", "code": "bad"}})


def cloudflare(message: str, code: int = 10000) -> str:
    return json.dumps(
        {"success": False, "errors": [{"code": code, "message": message}], "messages": []}
    )


@pytest.mark.parametrize(
    ("status", "kind", "retryable"),
    [
        (400, e.BadRequestError, False),
        (401, e.AuthenticationError, False),
        (403, e.PermissionDeniedError, False),
        (404, e.NotFoundError, False),
        (408, e.ServerError, True),
        (409, e.ServerError, True),
        (422, e.BadRequestError, False),
        (429, e.RateLimitError, True),
        (500, e.ServerError, True),
        (503, e.ServerError, True),
        (418, e.ApiError, False),
    ],
)
@pytest.mark.parametrize("envelope", ["openai", "cloudflare", "html", "empty"])
def test_status_mapping(
    status: int, kind: type[e.ApiError], retryable: bool, envelope: str
) -> None:
    body = {
        "openai": OPENAI,
        "cloudflare": cloudflare("Authentication error"),
        "html": "<html>oops</html>",
        "empty": b"",
    }[envelope]
    error = e.error_from_response(status, body, {})
    assert type(error) is kind
    assert error.status == status and error.retryable is retryable
    assert str(error) == error.user_message
    assert error.user_message.endswith(".") and "\n" not in error.user_message
    assert error.partial is None


def test_envelopes_fill_detail_and_code() -> None:
    err = e.error_from_response(401, OPENAI, {})
    assert err.detail == "Bad key sk-x" and err.code == "bad"
    assert "401" in err.user_message and "Settings" in err.user_message
    cf = e.error_from_response(403, cloudflare("No access", 10001).encode(), {})
    assert cf.detail == "No access" and cf.code == "10001"


def test_bad_request_quotes_the_server_briefly() -> None:
    err = e.error_from_response(400, json.dumps({"error": {"message": "x" * 1000}}), {})
    assert err.user_message.startswith("The server rejected the request (400): xxx")
    assert len(err.user_message) < 220 and err.detail == "x" * 1000  # whole, for Details


def test_not_found_names_model_and_url() -> None:
    err = e.error_from_response(404, "", {}, model="openai/gpt-9", url="http://h/v1/responses")
    assert "'openai/gpt-9'" in err.user_message and "http://h/v1/responses" in err.user_message


def test_failure_from_payload() -> None:
    err = e.failure_from_payload({"code": "server_error", "message": "boom"})
    assert isinstance(err, e.ResponseFailedError) and err.code == "server_error"
    assert "boom" in err.user_message
    assert e.failure_from_payload(None).user_message == e.ResponseFailedError.default_message


@pytest.mark.parametrize(
    ("status", "body", "action"),
    [
        (401, OPENAI, e.SETTINGS),
        (403, "", e.SETTINGS),
        (404, "", e.SETTINGS),
        (400, '{"error": {"message": "Unsupported tool type \'web_search\'"}}', e.SETTINGS),
        (400, '{"error": {"message": "bad temperature"}}', None),
        (429, "", e.RETRY),
        (500, "", e.RETRY),
        (418, "", None),
    ],
)
def test_each_error_says_which_action_fits(status: int, body: str, action: str | None) -> None:
    """The banner's button (Open Settings or Retry) is decided where the error is made."""
    error = e.error_from_response(status, body, {})
    assert error.action == action
    if action == e.SETTINGS:
        assert "Settings" in error.user_message or "Check" in error.user_message


def test_action_can_be_given_and_defaults_from_retryable() -> None:
    assert e.NetworkError().action == e.RETRY
    assert e.RequestCancelled().action is None
    assert e.ApiError("bad URL", action=e.SETTINGS).action == e.SETTINGS
