"""Scripted answers of the fake Responses server: what each scenario writes, byte for byte.

A scenario is turned into a `Script` (status, headers, a list of timed writes) so the
HTTP layer stays dumb and every protocol quirk we test lives here in one place.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from tests.fakeserver.tools import (
    COMMENTARY,
    FILE_NOTES,
    FILES_ANSWER,
    TOOL_REJECTED,
    WEB_SEARCH_ANSWER,
    WEB_SEARCH_QUERY,
    annotation_events,
    find_in_page_item,
    url_annotations,
    web_search_events,
    web_search_item,
)

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
MODEL_SNAPSHOT = "gpt-5.4-pro-2026-03-05"
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
class Write:
    data: bytes
    delay: float = 0.0  # seconds to wait before writing


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
        [("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-cache")],
        _stream_writes(scenario, request_body),
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
        output = [_reasoning_item(scenario, True), _message_item(scenario, True, refusal=True)]
        return response_object(scenario, request_body, output=output)
    if scenario.kind == "reasoning_text":
        raw = {
            "id": "rs_fake0001",
            "type": "reasoning",
            "summary": [],
            "content": [{"type": "reasoning_text", "text": scenario.reasoning}],
        }
        return response_object(
            scenario, request_body, output=[raw, _message_item(scenario, done=True)]
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


def _usage(scenario: Scenario) -> dict[str, Any]:
    u = scenario.usage
    return {
        "input_tokens": u["input"],
        "input_tokens_details": {"cached_tokens": u["cached"]},
        "output_tokens": u["output"],
        "output_tokens_details": {"reasoning_tokens": u["reasoning"]},
        "total_tokens": u["input"] + u["output"],
    }


def response_object(
    scenario: Scenario,
    request_body: Any,
    status: str = "completed",
    output: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A full Response object shaped like Cloudflare's examples (extra fields included)."""
    body = request_body if isinstance(request_body, dict) else {}
    now = int(time.time())
    if output is None:
        output = _output(scenario, request_body)
    incomplete = {"reason": "max_output_tokens"} if status == "incomplete" else None
    return {
        "background": False,
        "billing": {"payer": "developer"},
        "completed_at": now if status == "completed" else None,
        "created_at": now,
        "error": None,
        "gatewayMetadata": {"keySource": "Unified"},
        "id": "resp_fake0001",
        "incomplete_details": incomplete,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "metadata": {},
        "model": MODEL_SNAPSHOT,
        "object": "response",
        "output": output,
        "previous_response_id": body.get("previous_response_id"),
        "reasoning": {"effort": "medium", "summary": None},
        "status": status,
        "store": False,
        "temperature": body.get("temperature", 1),
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_p": body.get("top_p", 0.98),
        "truncation": "disabled",
        "usage": _usage(scenario) if status != "in_progress" else None,
        "user": None,
    }


def _output(scenario: Scenario, request_body: Any, text: str | None = None) -> list[Any]:
    """The finished output items, in the order they were streamed."""
    output = [_reasoning_item(scenario, True, request_body)]
    if scenario.commentary:
        output.append(_commentary_item(scenario, True))
    output += _tool_items(scenario, done=True)
    output.append(
        _message_item(scenario.with_(answer=scenario.answer if text is None else text), True)
    )
    return output


def _encrypted(request_body: Any) -> str | None:
    """Opaque reasoning state, as `include: ["reasoning.encrypted_content"]` asks; it
    differs per request (by the number of input items), as real ciphertext does."""
    body = request_body if isinstance(request_body, dict) else {}
    if "reasoning.encrypted_content" not in (body.get("include") or ()):
        return None
    items = body.get("input")
    turn = len(items) if isinstance(items, list) else 1
    return f"gAAAAABfake-encrypted-reasoning-{turn:04d}=="


def _reasoning_item(scenario: Scenario, done: bool, request_body: Any = None) -> dict[str, Any]:
    summary = [{"type": "summary_text", "text": scenario.reasoning}] if done else []
    item: dict[str, Any] = {"id": "rs_fake0001", "type": "reasoning", "summary": summary}
    encrypted = _encrypted(request_body)
    if done and encrypted is not None:
        item["encrypted_content"] = encrypted
    return item


def _tool_items(scenario: Scenario, done: bool) -> list[dict[str, Any]]:
    if scenario.kind != "web_search":
        return []
    items = [web_search_item(scenario.search_query, done)]
    if scenario.commentary:  # the richer turn also looks inside the page it opened
        items.append(find_in_page_item(done))
    return items


def _annotations(scenario: Scenario, text: str) -> list[dict[str, Any]]:
    if scenario.kind == "files":
        return [dict(note) for note in FILE_NOTES]
    return url_annotations(text) if scenario.kind == "web_search" else []


def _commentary_item(scenario: Scenario, done: bool) -> dict[str, Any]:
    item = _message_item(scenario.with_(answer=scenario.commentary, kind="normal"), done)
    return {**item, "id": "msg_fake_commentary", "phase": "commentary"}


def _message_item(scenario: Scenario, done: bool, refusal: bool = False) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if done and refusal:
        content = [{"type": "refusal", "refusal": scenario.answer}]
    elif done:
        content = [
            {
                "type": "output_text",
                "annotations": _annotations(scenario, scenario.answer),
                "logprobs": [],
                "text": scenario.answer,
            }
        ]
    return {
        "id": "msg_fake0001",
        "type": "message",
        "status": "completed" if done else "in_progress",
        "role": "assistant",
        "phase": "final_answer",
        "content": content,
    }


def _message_events(ev: _Events, item: dict[str, Any], at: int, text: str) -> None:
    """A whole message streamed: added, its part, deltas, done events."""
    ev.add("response.output_item.added", output_index=at, item={**item, "content": []})
    ids = {"item_id": item["id"], "output_index": at, "content_index": 0}
    ev.add("response.content_part.added", **ids, part={"type": "output_text", "text": ""})
    for piece in _chunks(text, 12):
        ev.add("response.output_text.delta", True, **ids, delta=piece, logprobs=[])
    ev.add("response.output_text.done", **ids, text=text, logprobs=[])
    ev.add("response.content_part.done", **ids, part=item["content"][0])
    ev.add("response.output_item.done", output_index=at, item=item)


def _chunks(text: str, size: int) -> list[str]:
    size = max(1, size)
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class _Events:
    """Collects (event type, payload, is_delta) with running sequence numbers."""

    def __init__(self) -> None:
        self.items: list[tuple[str, dict[str, Any], bool]] = []

    def add(self, kind: str, is_delta: bool = False, **payload: Any) -> None:
        self.items.append(
            (kind, {"type": kind, "sequence_number": len(self.items), **payload}, is_delta)
        )


def stream_events(scenario: Scenario, request_body: Any) -> list[tuple[str, dict[str, Any], bool]]:
    """The SSE events of a streamed answer, in the order OpenAI sends them."""
    ev = _Events()
    kind = scenario.kind
    start = response_object(scenario, request_body, status="in_progress", output=[])
    ev.add("response.created", response=start)
    ev.add("response.in_progress", response=start)
    rs = _reasoning_item(scenario, done=False)
    ev.add("response.output_item.added", output_index=0, item=rs)
    ids = {"item_id": rs["id"], "output_index": 0}
    if kind == "reasoning_text":
        part = {"type": "reasoning_text", "text": ""}
        ev.add("response.content_part.added", **ids, content_index=0, part=part)
        for piece in _chunks(scenario.reasoning, scenario.delta_size):
            ev.add("response.reasoning_text.delta", True, **ids, content_index=0, delta=piece)
        ev.add("response.reasoning_text.done", **ids, content_index=0, text=scenario.reasoning)
    else:
        part = {"type": "summary_text", "text": ""}
        ev.add("response.reasoning_summary_part.added", **ids, summary_index=0, part=part)
        if not scenario.skip_deltas:
            for piece in _chunks(scenario.reasoning, scenario.delta_size):
                ev.add(
                    "response.reasoning_summary_text.delta",
                    True,
                    **ids,
                    summary_index=0,
                    delta=piece,
                )
        ev.add(
            "response.reasoning_summary_text.done", **ids, summary_index=0, text=scenario.reasoning
        )
        done_part = {"type": "summary_text", "text": scenario.reasoning}
        ev.add("response.reasoning_summary_part.done", **ids, summary_index=0, part=done_part)
    ev.add(
        "response.output_item.done",
        output_index=0,
        item=_reasoning_item(scenario, True, request_body),
    )
    if kind == "error_event":
        ev.add(
            "error", code="server_error", message="The model crashed while thinking.", param=None
        )
        return ev.items
    at = 1
    if scenario.commentary:
        _message_events(ev, _commentary_item(scenario, True), at, scenario.commentary)
        at += 1
    if kind == "web_search":
        for name, payload in web_search_events(scenario.search_query, at):
            ev.add(name, **payload)
        at += 1
        if scenario.commentary:
            find = find_in_page_item(True)
            ev.add("response.output_item.added", output_index=at, item=find_in_page_item(False))
            ev.add("response.output_item.done", output_index=at, item=find)
            at += 1
    msg = _message_item(scenario, done=False)
    ev.add("response.output_item.added", output_index=at, item=msg)
    ids = {"item_id": msg["id"], "output_index": at, "content_index": 0}
    refusal = kind == "refusal"
    part = {"type": "refusal", "refusal": ""} if refusal else {"type": "output_text", "text": ""}
    ev.add("response.content_part.added", **ids, part=part)
    name = "response.refusal" if refusal else "response.output_text"
    pieces = _chunks(scenario.answer, scenario.delta_size)
    if kind == "incomplete":
        pieces = pieces[: max(1, len(pieces) // 2)]
    if not scenario.skip_deltas:
        for n, piece in enumerate(pieces):
            if kind == "malformed" and n == 2:
                ev.items.append(
                    (f"{name}.delta", {"__raw__": '{"type": "broken", "delta": "x'}, True)
                )
                continue
            extra = {} if refusal else {"logprobs": []}
            ev.add(f"{name}.delta", True, **ids, delta=piece, **extra)
            if kind == "cut" and n + 1 >= scenario.cut_after:
                return ev.items
    text = "".join(pieces)
    if kind == "failed":
        failed = response_object(scenario, request_body, status="failed", output=[])
        failed["error"] = {"code": "server_error", "message": "The model stopped unexpectedly."}
        failed["usage"] = None
        ev.add("response.failed", response=failed)
        return ev.items
    if refusal:
        ev.add("response.refusal.done", **ids, refusal=text)
        done_part = {"type": "refusal", "refusal": text}
    else:
        for name, payload in annotation_events(_annotations(scenario, text), msg["id"], at):
            ev.add(name, **payload)
        ev.add("response.output_text.done", **ids, text=text, logprobs=[])
        done_part = {
            "type": "output_text",
            "annotations": _annotations(scenario, text),
            "logprobs": [],
            "text": text,
        }
    ev.add("response.content_part.done", **ids, part=done_part)
    final_msg = _message_item(scenario.with_(answer=text), done=True, refusal=refusal)
    ev.add("response.output_item.done", output_index=at, item=final_msg)
    status = "incomplete" if kind == "incomplete" else "completed"
    output = _output(scenario, request_body, text)
    output[-1] = final_msg
    final = response_object(scenario.with_(answer=text), request_body, status=status, output=output)
    ev.add(f"response.{status}", response=final)
    return ev.items


def encode_event(kind: str, payload: dict[str, Any], crlf: bool = False) -> bytes:
    """One SSE event as OpenAI writes it (`event:` line, one `data:` line, blank line)."""
    data = payload["__raw__"] if "__raw__" in payload else json.dumps(payload, ensure_ascii=False)
    text = f"event: {kind}\ndata: {data}\n\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode()


_NOISE = b': keep-alive comment\n\nevent: response.fake_unknown\ndata: {"type": "x"}\n\n'


def _stream_writes(scenario: Scenario, request_body: Any) -> Iterator[Write]:
    delay = 1.0 / scenario.delta_rate if scenario.delta_rate else 0.0
    buffer = bytearray()
    for kind, payload, is_delta in stream_events(scenario, request_body):
        data = encode_event(kind, payload, scenario.crlf)
        if scenario.noise:
            noise = _NOISE.replace(b"\n", b"\r\n") if scenario.crlf else _NOISE
            data = noise + data
        if scenario.split_bytes and is_delta:
            if buffer:
                yield Write(bytes(buffer))
                buffer.clear()
            yield from _split_inside_delta(data, payload, scenario.split_bytes)
        elif delay and is_delta:
            if buffer:
                yield Write(bytes(buffer))
                buffer.clear()
            yield Write(data, delay)
        else:
            buffer += data
            if len(buffer) >= 32768:
                yield Write(bytes(buffer))
                buffer.clear()
    if buffer:
        yield Write(bytes(buffer))


def _split_inside_delta(data: bytes, payload: dict[str, Any], size: int) -> Iterator[Write]:
    """Write the delta's own bytes in `size`-byte pieces, so cuts fall inside characters."""
    text = json.dumps(payload.get("delta", ""), ensure_ascii=False).encode()
    start = data.find(text)
    if start < 0:
        yield Write(data)
        return
    end = start + len(text)
    yield Write(data[:start])
    for i in range(start, end, size):
        # A tiny pause makes each piece its own TCP segment, so the client really
        # receives a UTF-8 character in two reads.
        yield Write(data[i : min(i + size, end)], 0.0005)
    yield Write(data[end:], 0.0005)
