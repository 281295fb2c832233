"""Scripted answers of the fake Responses server: what each scenario writes, byte for byte.

A scenario is turned into a `Script` (status, headers, a list of timed writes) so the
HTTP layer stays dumb and every protocol quirk we test lives in the fake server's
modules: this one (scenarios and error answers), `items` (response objects) and
`stream` (the SSE events).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from tests.fakeserver.items import (
    MODEL_SNAPSHOT,
    message_item,
    reasoning_item,
    response_object,
)
from tests.fakeserver.stream import Write, encode_event, stream_events, stream_writes
from tests.fakeserver.tools import (
    COMMENTARY,
    FILES_ANSWER,
    TOOL_REJECTED,
    WEB_SEARCH_ANSWER,
    WEB_SEARCH_QUERY,
)

__all__ = [
    "MODEL_SNAPSHOT",
    "PRESETS",
    "Scenario",
    "Script",
    "Write",
    "build_script",
    "encode_event",
    "error_body",
    "preset",
    "response_object",
    "stream_events",
]

DEFAULT_ANSWER = (
    "The **three laws of thermodynamics** usually mean:\n\n"
    "1. **First Law — Conservation of Energy**: energy is neither created nor destroyed.\n"
    "2. **Second Law — Entropy Increases**: the entropy of an isolated system never falls.\n"
    "3. **Third Law — Entropy at Absolute Zero**: a perfect crystal at 0 K has zero entropy."
)
DEFAULT_REASONING = (
    "**Recalling the laws**\n\nThe user wants the three classic laws; I will list them "
    "with one line each."
)
HTTP_REASONS = {
    200: "OK",
    400: "Bad Request",
    402: "Payment Required",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
ERROR_MESSAGES = {
    400: ("invalid_request_error", "Invalid value for 'temperature': must be <= 2."),
    401: ("invalid_request_error", "Authentication error"),
    403: ("permission_error", "You do not have access to this model."),
    404: ("not_found_error", "No route for that URI"),
    429: ("rate_limit_error", "Rate limit reached; please slow down."),
    402: ("insufficient_quota", "Your account has no credit left; add some to continue."),
    500: ("server_error", "The server had an error while processing your request."),
    503: ("server_error", "The service is temporarily overloaded."),
}


@dataclass(frozen=True)
class Scenario:
    """What the fake server answers to one request; every field has a realistic default.

    `kind` is one of: normal, incomplete, failed, error_event, refusal, reasoning_text,
    cut, malformed, http_error, non_json_error, web_search (a search call before the
    answer, and `url_citation` annotations for every "([title](url))" in it), files (an
    answer with file_citation, container_file_citation and file_path annotations).
    A non-empty `commentary` is sent first as a message of phase "commentary". When the
    request includes "reasoning.encrypted_content", reasoning items carry it.
    """

    kind: str = "normal"
    answer: str = DEFAULT_ANSWER
    reasoning: str = DEFAULT_REASONING
    delta_size: int = 12
    delta_rate: float | None = None  # deltas per second; None = as fast as possible
    first_byte_delay: float = 0.0  # seconds before the status line is written
    status: int = 200
    envelope: str = "openai"  # or "cloudflare"
    retry_after: str | None = None
    crlf: bool = False
    split_bytes: int | None = None  # write each delta's text in pieces of this many bytes
    noise: bool = False  # SSE comments and unknown event types between events
    skip_deltas: bool = False  # send only the .done events (servers that skip deltas)
    cut_after: int = 3  # text deltas before the connection is cut (kind "cut")
    stream: bool | None = None  # None: follow the request's "stream" flag
    usage: dict[str, int] = field(
        default_factory=lambda: {"input": 15, "cached": 4, "output": 342, "reasoning": 67}
    )
    search_query: str = WEB_SEARCH_QUERY  # kind "web_search"
    error_message: str | None = None  # kind "http_error": replaces the status's message
    error_param: str | None = None  # OpenAI envelope's `param`
    error_code: str | None = None  # the envelope's `code` (Cloudflare's is a number)
    echo_header: str | None = None  # kind "http_error": quote this request header back
    should_retry: str | None = None  # the `x-should-retry` header of an error
    commentary: str = ""

    def with_(self, **changes: Any) -> Scenario:
        return replace(self, **changes)


PRESETS: dict[str, dict[str, Any]] = {
    "normal": {},
    "nonstream": {"stream": False},
    "split_utf8": {"answer": "Ünïcödé ✓ 数学 — 𝔼[X] ≥ 0 🙂", "split_bytes": 1, "delta_size": 3},
    "crlf": {"crlf": True},
    "noisy": {"noise": True},
    "skip_deltas": {"skip_deltas": True},
    "slow": {"first_byte_delay": 30.0},
    "cut": {"kind": "cut"},
    "incomplete": {"kind": "incomplete"},
    "failed": {"kind": "failed"},
    "error_event": {"kind": "error_event"},
    "refusal": {"kind": "refusal", "answer": "I can’t help with that request."},
    "reasoning_text": {"kind": "reasoning_text"},
    "malformed": {"kind": "malformed"},
    "non_json_error": {"kind": "non_json_error", "status": 502},
    "web_search": {"kind": "web_search", "answer": WEB_SEARCH_ANSWER},
    "commentary": {"kind": "web_search", "answer": WEB_SEARCH_ANSWER, "commentary": COMMENTARY},
    "files": {"kind": "files", "answer": FILES_ANSWER},
    # OpenAI's "insufficient_quota" 429 and Cloudflare's 3036 (daily free allocation).
    "quota": {
        "kind": "http_error",
        "status": 429,
        "error_code": "insufficient_quota",
        "error_message": "You have used up your current quota; check your plan and billing.",
        "should_retry": "false",
    },
    "cf_quota": {
        "kind": "http_error",
        "status": 429,
        "envelope": "cloudflare",
        "error_code": "3036",
        "error_message": "AiError: the daily free allocation of neurons is used up; "
        "upgrade to Workers Paid to continue.",
    },
    # A proxy that quotes the Authorization header back in its complaint.
    "echo_auth": {"kind": "http_error", "status": 400, "echo_header": "authorization"},
    "tool_rejected": {
        "kind": "http_error",
        "status": 400,
        "error_message": TOOL_REJECTED["openai"],
        "error_param": "tools",
    },
    "cf_tool_rejected": {
        "kind": "http_error",
        "status": 400,
        "envelope": "cloudflare",
        "error_message": TOOL_REJECTED["cloudflare"],
    },
    "http_400": {"kind": "http_error", "status": 400},
    "http_401": {"kind": "http_error", "status": 401},
    "http_403": {"kind": "http_error", "status": 403},
    "http_404": {"kind": "http_error", "status": 404},
    "http_429": {"kind": "http_error", "status": 429, "retry_after": "1"},
    "http_500": {"kind": "http_error", "status": 500},
    "http_503": {"kind": "http_error", "status": 503},
}
for _status in (400, 401, 403, 404, 429, 500, 503):
    PRESETS[f"cf_{_status}"] = {**PRESETS[f"http_{_status}"], "envelope": "cloudflare"}


def preset(name: str, **overrides: Any) -> Scenario:
    """The named scenario (see PRESETS) with some fields changed."""
    if name not in PRESETS:
        raise KeyError(f"unknown fake-server scenario {name!r}; known: {sorted(PRESETS)}")
    return Scenario(**{**PRESETS[name], **overrides})


@dataclass
class Script:
    status: int
    headers: list[tuple[str, str]]
    writes: Iterator[Write]
    chunked: bool
    cut: bool = False  # close the socket without finishing the body
    first_byte_delay: float = 0.0


def build_script(scenario: Scenario, request_body: Any) -> Script:
    """Turn a scenario and the request it answers into the bytes to send."""
    if scenario.kind == "http_error":
        return _json_script(scenario.status, error_body(scenario), scenario)
    if scenario.kind == "non_json_error":
        body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        return Script(
            scenario.status,
            [("Content-Type", "text/html")],
            iter([Write(body)]),
            chunked=False,
            first_byte_delay=scenario.first_byte_delay,
        )
    wants_stream = bool(isinstance(request_body, dict) and request_body.get("stream"))
    stream = wants_stream if scenario.stream is None else scenario.stream
    if not stream:
        return _json_script(200, _nonstream_body(scenario, request_body), scenario)
    return Script(
        200,
        [
            ("Content-Type", "text/event-stream; charset=utf-8"),
            ("Cache-Control", "no-cache"),
            ("x-request-id", "req_fake_stream01"),
        ],
        stream_writes(scenario, request_body),
        chunked=True,
        cut=scenario.kind == "cut",
        first_byte_delay=scenario.first_byte_delay,
    )


def _json_script(status: int, body: dict[str, Any], scenario: Scenario) -> Script:
    headers = [("Content-Type", "application/json")]
    if scenario.retry_after is not None:
        headers.append(("Retry-After", scenario.retry_after))
    if status >= 400 and scenario.envelope == "cloudflare":
        headers.append(("cf-ray", "8f0fake0001-LHR"))
    elif status >= 400:
        headers.append(("x-request-id", "req_fake0001"))
    if scenario.should_retry is not None:
        headers.append(("x-should-retry", scenario.should_retry))
    data = json.dumps(body).encode()
    return Script(
        status,
        headers,
        iter([Write(data)]),
        chunked=False,
        first_byte_delay=scenario.first_byte_delay,
    )


def _nonstream_body(scenario: Scenario, request_body: Any) -> dict[str, Any]:
    if scenario.kind == "incomplete":
        half = scenario.with_(answer=scenario.answer[: max(1, len(scenario.answer) // 2)])
        return response_object(half, request_body, status="incomplete")
    if scenario.kind == "failed":
        failed = response_object(scenario, request_body, status="failed", output=[])
        failed["error"] = {"code": "server_error", "message": "The model stopped unexpectedly."}
        return failed
    if scenario.kind == "refusal":
        output = [reasoning_item(scenario, True), message_item(scenario, True, refusal=True)]
        return response_object(scenario, request_body, output=output)
    if scenario.kind == "reasoning_text":
        raw = {
            "id": "rs_fake0001",
            "type": "reasoning",
            "summary": [],
            "content": [{"type": "reasoning_text", "text": scenario.reasoning}],
        }
        return response_object(
            scenario, request_body, output=[raw, message_item(scenario, done=True)]
        )
    return response_object(scenario, request_body)


def error_body(scenario: Scenario) -> dict[str, Any]:
    kind, message = ERROR_MESSAGES.get(scenario.status, ("server_error", "Error"))
    message = scenario.error_message or message
    if scenario.envelope == "cloudflare":
        code: Any = {401: 10000, 403: 10001, 404: 7003, 429: 3040}.get(scenario.status, 5000)
        if scenario.error_code is not None:
            code = int(scenario.error_code)
        return {
            "success": False,
            "errors": [{"code": code, "message": message}],
            "messages": [],
            "result": None,
        }
    return {
        "error": {
            "message": message,
            "type": scenario.error_code or kind,
            "param": scenario.error_param,
            "code": scenario.error_code,
        }
    }
