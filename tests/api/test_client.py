"""ResponsesClient against the real fake server: streaming, errors, retries, cancel, timeouts."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from email.utils import formatdate
from typing import Any

import httpx
import pytest

from desktop.api import (
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    CancelToken,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestCancelled,
    ResponseDone,
    ResponseFailedError,
    ResponsesClient,
    ResponseStarted,
    ServerError,
    StreamEvent,
    TextDelta,
)
from tests.fakeserver import FakeResponsesServer, preset

TOKEN = "cf-secret-token-0123456789"
BODY: dict[str, Any] = {"model": "openai/gpt-5.4-pro", "input": "hi"}


@pytest.fixture
def client(fake_server: FakeResponsesServer) -> Iterator[ResponsesClient]:
    with ResponsesClient(fake_server.base_url, TOKEN, backoff_base=0.01) as c:
        yield c


def text_of(events: list[StreamEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def cancel_after(token: CancelToken, seconds: float) -> list[float]:
    """Press cancel from another thread after `seconds`; the list gets the moment it did."""
    pressed: list[float] = []

    def press() -> None:
        pressed.append(time.monotonic())
        token.cancel()

    threading.Timer(seconds, press).start()
    return pressed


def test_stream_sends_documented_request(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    events = list(client.stream(BODY))
    assert isinstance(events[0], ResponseStarted)
    assert isinstance(events[-1], ResponseDone)
    assert text_of(events) == events[-1].reply.text == preset("normal").answer
    (request,) = fake_server.requests
    assert request.method == "POST" and request.path == "/v1/responses"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["user-agent"].startswith("parley/")
    assert request.json == {**BODY, "stream": True}


def test_no_token_sends_no_authorization(fake_server: FakeResponsesServer) -> None:
    list(ResponsesClient(fake_server.base_url, None).stream(BODY))
    assert "authorization" not in fake_server.requests[0].headers


def test_repr_hides_token(client: ResponsesClient) -> None:
    assert TOKEN not in repr(client)


@pytest.mark.parametrize("name", ["split_utf8", "crlf", "noisy", "skip_deltas", "reasoning_text"])
def test_stream_quirks(
    name: str, client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.enqueue(name)
    events = list(client.stream(BODY))
    done = events[-1]
    assert isinstance(done, ResponseDone)
    assert done.reply.text == text_of(events) == preset(name).answer
    assert done.reply.reasoning == preset(name).reasoning


def test_bytes_split_inside_utf8_characters_in_memory() -> None:
    # The same guarantee without TCP in between: every byte arrives on its own.
    payload = (
        'event: response.output_text.delta\r\ndata: {"type":"response.output_text.delta",'
        '"delta":"数学 🙂 ∑"}\r\n\r\n: comment\r\n\r\n'
        'event: response.completed\r\ndata: {"type":"response.completed",'
        '"response":{"status":"completed"}}\r\n\r\n'
    ).encode()

    async def pieces() -> AsyncIterator[bytes]:
        for i in range(len(payload)):
            yield payload[i : i + 1]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=pieces())

    client = ResponsesClient("http://test/v1", TOKEN, transport=httpx.MockTransport(handler))
    events = list(client.stream(BODY))
    assert text_of(events) == "数学 🙂 ∑"
    assert isinstance(events[-1], ResponseDone) and events[-1].reply.status == "completed"


def test_create_returns_the_reply(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    reply = client.create({**BODY, "stream": True})
    assert reply.text == preset("normal").answer and reply.status == "completed"
    assert reply.usage is not None and reply.usage.cached_tokens == 4
    request = fake_server.requests[0]
    assert request.json == BODY  # `stream` left out: non-streaming is the default
    assert request.headers["accept"] == "application/json"


def test_events_give_one_path_for_both_modes(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    """A non-streaming request comes back as the same events a stream ends with."""
    whole = list(client.events(BODY))
    streamed = list(client.events({**BODY, "stream": True}))
    for events in (whole, streamed):
        assert isinstance(events[0], ResponseStarted)
        assert isinstance(events[-1], ResponseDone)
        assert text_of(events) == events[-1].reply.text == preset("normal").answer
    assert fake_server.requests[0].headers["accept"] == "application/json"
    assert fake_server.requests[1].headers["accept"] == "text/event-stream"


def test_create_failed_and_malformed(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.enqueue("failed")
    with pytest.raises(ResponseFailedError):
        client.create(BODY)
    fake_server.enqueue("non_json_error", status=200)
    with pytest.raises(MalformedResponseError):
        client.create(BODY)


def test_stream_accepts_a_json_answer(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.enqueue("normal", stream=False)
    events = list(client.stream(BODY))
    assert text_of(events) == preset("normal").answer
    assert isinstance(events[-1], ResponseDone)


def test_incomplete_is_not_an_error(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.enqueue("incomplete")
    done = list(client.stream(BODY))[-1]
    assert isinstance(done, ResponseDone)
    assert done.reply.status == "incomplete" and done.reply.incomplete_reason == "max_output_tokens"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cut", NetworkError),
        ("failed", ResponseFailedError),
        ("malformed", MalformedResponseError),
    ],
)
def test_failure_mid_answer_keeps_partial_and_never_retries(
    name: str, kind: type[ApiError], client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.set_default(name)
    seen: list[StreamEvent] = []
    with pytest.raises(kind) as info:
        for event in client.stream(BODY):
            seen.append(event)
    assert info.value.partial is not None
    assert info.value.partial.text == text_of(seen) != ""
    assert len(fake_server.requests) == 1


def test_error_event_before_text(client: ResponsesClient, fake_server: FakeResponsesServer) -> None:
    fake_server.enqueue("error_event")
    with pytest.raises(ResponseFailedError) as info:
        list(client.stream(BODY))
    assert "crashed" in info.value.user_message
    assert info.value.partial is not None and info.value.partial.reasoning


@pytest.mark.parametrize("envelope", ["http", "cf"])
@pytest.mark.parametrize(
    ("status", "kind", "attempts"),
    [
        (400, BadRequestError, 1),
        (401, AuthenticationError, 1),
        (403, PermissionDeniedError, 1),
        (404, NotFoundError, 1),
        (429, RateLimitError, 3),
        (500, ServerError, 3),
        (503, ServerError, 3),
    ],
)
def test_http_errors(
    envelope: str,
    status: int,
    kind: type[ApiError],
    attempts: int,
    client: ResponsesClient,
    fake_server: FakeResponsesServer,
) -> None:
    fake_server.set_default(f"{envelope}_{status}", retry_after=None)
    with pytest.raises(kind) as info:
        list(client.stream(BODY))
    assert info.value.status == status
    assert len(fake_server.requests) == attempts
    assert TOKEN not in str(info.value) and TOKEN not in repr(info.value)
    assert TOKEN not in (info.value.detail or "")


def test_non_json_error_body(client: ResponsesClient, fake_server: FakeResponsesServer) -> None:
    fake_server.set_default("non_json_error")
    with pytest.raises(ServerError, match="502"):
        client.create(BODY)


def test_failures_then_success(client: ResponsesClient, fake_server: FakeResponsesServer) -> None:
    fake_server.enqueue("http_503", "cf_500")
    events = list(client.stream(BODY))
    assert isinstance(events[-1], ResponseDone)
    assert len(fake_server.requests) == 3


def test_retry_after_seconds_is_honoured(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.enqueue("http_429", retry_after="0.3")
    start = time.monotonic()
    client.create(BODY)
    gap = fake_server.requests[1].received_at - fake_server.requests[0].received_at
    assert gap >= 0.29 and time.monotonic() - start < 2


def test_retry_after_http_date_is_honoured(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.enqueue("cf_503", retry_after=formatdate(time.time() + 2, usegmt=True))
    client.create(BODY)
    gap = fake_server.requests[1].received_at - fake_server.requests[0].received_at
    assert 0.9 <= gap <= 2.5


def test_retry_after_beyond_the_bound_is_not_waited_for(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.set_default("http_429", retry_after="3600")
    with pytest.raises(RateLimitError) as info:
        client.create(BODY)
    assert "60 minutes" in info.value.user_message
    assert len(fake_server.requests) == 1


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = ResponsesClient(f"http://127.0.0.1:{port}/v1", TOKEN, backoff_base=0.01)
    with pytest.raises(NetworkError, match="Could not connect to 127.0.0.1"):
        list(client.stream(BODY))


def test_connect_timeout_is_retried() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectTimeout("timed out", request=request)

    client = ResponsesClient(
        "http://test/v1", TOKEN, transport=httpx.MockTransport(handler), backoff_base=0.01
    )
    with pytest.raises(ApiTimeoutError, match="within 10 seconds"):
        client.create(BODY)
    assert len(calls) == 3


def test_read_timeout_before_first_byte(fake_server: FakeResponsesServer) -> None:
    fake_server.set_default("slow", first_byte_delay=5)
    client = ResponsesClient(fake_server.base_url, TOKEN, read_timeout=0.3)
    start = time.monotonic()
    with pytest.raises(ApiTimeoutError, match="stopped waiting"):
        list(client.stream(BODY))
    assert time.monotonic() - start < 2
    assert len(fake_server.requests) == 1


def test_cancel_before_start(client: ResponsesClient, fake_server: FakeResponsesServer) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(RequestCancelled):
        list(client.stream(BODY, token))
    with pytest.raises(RequestCancelled):
        client.create(BODY, token)
    assert fake_server.requests == []


def test_cancel_while_connecting() -> None:
    # A transport whose connect never finishes stands in for an unreachable host.
    class Hanging(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

    client = ResponsesClient("http://test/v1", TOKEN, transport=Hanging())
    token = CancelToken()
    pressed = cancel_after(token, 0.1)
    with pytest.raises(RequestCancelled):
        list(client.stream(BODY, token))
    assert time.monotonic() - pressed[0] < 0.2


def test_cancel_while_waiting_for_first_byte(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.set_default("slow", first_byte_delay=30)
    threads_before = threading.active_count()
    token = CancelToken()
    pressed = cancel_after(token, 0.2)
    with pytest.raises(RequestCancelled) as info:
        list(client.stream(BODY, token))
    assert time.monotonic() - pressed[0] < 0.2
    assert info.value.partial is not None and info.value.partial.text == ""
    fake_server.wait_for_requests(1)
    deadline = time.monotonic() + 2
    while not fake_server.requests[0].client_disconnected and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_server.requests[0].client_disconnected
    time.sleep(0.05)  # let the finished Timer thread exit
    assert threading.active_count() == threads_before


def test_cancel_mid_stream_keeps_what_arrived(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.set_default("normal", delta_rate=50)
    token = CancelToken()
    seen: list[StreamEvent] = []
    with pytest.raises(RequestCancelled) as info:
        for event in client.stream(BODY, token):
            seen.append(event)
            if len([e for e in seen if isinstance(e, TextDelta)]) == 3:
                threading.Thread(target=token.cancel).start()
    assert info.value.partial is not None
    assert info.value.partial.text == text_of(seen) != ""
    assert len(fake_server.requests) == 1


def test_cancel_during_backoff(fake_server: FakeResponsesServer) -> None:
    fake_server.set_default("http_503")
    client = ResponsesClient(fake_server.base_url, TOKEN, backoff_base=20)
    token = CancelToken()
    pressed = cancel_after(token, 0.2)
    with pytest.raises(RequestCancelled):
        client.create(BODY, token)
    assert time.monotonic() - pressed[0] < 0.2


def test_breaking_out_of_the_stream_closes_the_connection(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.set_default("normal", delta_rate=20)
    stream = client.stream(BODY)
    assert isinstance(next(stream), ResponseStarted)
    stream.close()
    deadline = time.monotonic() + 2
    while not fake_server.requests[0].client_disconnected and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_server.requests[0].client_disconnected


def test_cancel_token_is_idempotent_and_thread_safe() -> None:
    token = CancelToken()
    hits: list[int] = []
    token.attach(lambda: hits.append(1))
    threads = [threading.Thread(target=token.cancel) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert token.cancelled and hits == [1]
    token.attach(lambda: hits.append(2))  # attaching late fires at once
    assert hits == [1, 2]


def test_invalid_url_points_to_settings() -> None:
    from desktop.api.errors import SETTINGS

    with pytest.raises(ApiError) as caught:
        list(ResponsesClient("ftp://example.invalid/v1", TOKEN, max_retries=0).stream(BODY))
    assert caught.value.action == SETTINGS
    assert "Settings" in caught.value.user_message and TOKEN not in caught.value.user_message
