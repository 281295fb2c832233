"""Background answers against the real fake server: resumed after broken, silent or
closed connections without paying twice, stopped on the server, learned unsupported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.api import (
    ApiError,
    CancelToken,
    NetworkError,
    RequestCancelled,
    ResponseDone,
    ResponsesClient,
    StreamEvent,
    TextDelta,
)
from desktop.api.background import Follower
from desktop.api.events import (
    BackgroundUnsupported,
    Checkpoint,
    ReasoningDelta,
    Reconnecting,
)
from tests.fakeserver import FakeResponsesServer
from tests.fakeserver.background import Break
from tests.fakeserver.scenarios import DEFAULT_ANSWER

BODY: dict[str, Any] = {"model": "openai/gpt-5.4-pro", "input": "hi"}


@pytest.fixture
def client(fake_server: FakeResponsesServer) -> Iterator[ResponsesClient]:
    with ResponsesClient(fake_server.base_url, "tok", backoff_base=0.01, max_retries=0) as c:
        yield c


def text_of(events: list[StreamEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def done(events: list[StreamEvent]) -> ResponseDone:
    last = events[-1]
    assert isinstance(last, ResponseDone)
    return last


def posts(server: FakeResponsesServer) -> list[Any]:
    return [r for r in server.requests if r.method == "POST" and r.path.endswith("/responses")]


def test_a_background_answer_streams_whole_with_numbered_checkpoints(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    events = list(client.stream_background(BODY))
    assert text_of(events) == DEFAULT_ANSWER
    assert done(events).reply.text == DEFAULT_ANSWER
    body = posts(fake_server)[0].json
    assert (body["background"], body["store"], body["stream"]) == (True, True, True)
    checkpoints = [e.sequence for e in events if isinstance(e, Checkpoint)]
    assert checkpoints == sorted(checkpoints) and checkpoints
    assert not any(isinstance(e, BackgroundUnsupported | Reconnecting) for e in events)


@pytest.mark.parametrize("cuts", [(5,), (3, 9, 2), (40,)])
def test_a_cut_connection_resumes_where_it_broke_without_a_second_post(
    client: ResponsesClient, fake_server: FakeResponsesServer, cuts: tuple[int, ...]
) -> None:
    fake_server.background.break_streams(*cuts)
    events = list(client.stream_background(BODY))
    assert text_of(events) == DEFAULT_ANSWER  # nothing lost, nothing twice
    assert done(events).reply.text == DEFAULT_ANSWER
    assert len(posts(fake_server)) == 1
    resumed = [r.path for r in fake_server.requests if r.method == "GET"]
    assert len(resumed) == len(cuts)
    assert resumed[0].endswith(f"stream=true&starting_after={cuts[0] - 1}")
    assert sum(isinstance(e, Reconnecting) for e in events) == len(cuts)


def test_a_silent_connection_is_attached_again_without_a_reconnecting_notice(
    fake_server: FakeResponsesServer,
) -> None:
    fake_server.background.break_streams(Break(6, "stall"))
    with ResponsesClient(fake_server.base_url, "tok", max_retries=0) as client:
        events = list(Follower(client, None, ordinary=client.stream, idle_timeout=0.3).start(BODY))
    assert text_of(events) == DEFAULT_ANSWER
    assert not any(isinstance(e, Reconnecting) for e in events)
    assert [r.method for r in fake_server.requests] == ["POST", "GET"]


def test_a_stream_closed_early_asks_for_the_status_then_continues(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.background.break_streams(Break(4, "end"))
    events = list(client.stream_background(BODY))
    assert text_of(events) == DEFAULT_ANSWER
    paths = [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake_server.requests]
    assert paths[1][1].startswith("resp_bg") and "stream" not in paths[1][1]
    assert paths[2][1].endswith("starting_after=3")


def test_reconnecting_gives_up_with_the_partial_answer_when_the_server_stays_away(
    fake_server: FakeResponsesServer,
) -> None:
    fake_server.background.break_streams(25)
    fake_server.background.failing_resumes = 10
    events: list[StreamEvent] = []
    with ResponsesClient(fake_server.base_url, "tok", max_retries=0) as client:
        follower = Follower(client, None, ordinary=client.stream, max_attempts=2)
        with pytest.raises(NetworkError) as caught:
            events.extend(follower.start(BODY))
    assert "could not be restored" in caught.value.user_message
    assert caught.value.partial is not None
    assert caught.value.partial.text and DEFAULT_ANSWER.startswith(caught.value.partial.text)


def test_stop_cancels_the_answer_on_the_server_and_keeps_the_partial(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    token = CancelToken()
    seen: list[StreamEvent] = []
    with pytest.raises(RequestCancelled) as caught:
        for event in client.stream_background(BODY, token):
            seen.append(event)
            if len(text_of(seen)) > 20:
                token.cancel()
    job_id = caught.value.partial.response_id if caught.value.partial else None
    assert job_id is not None
    assert fake_server.background.cancelled == [job_id]
    assert fake_server.background.job(job_id).status == "cancelled"
    assert caught.value.partial is not None
    assert DEFAULT_ANSWER.startswith(caught.value.partial.text)


@pytest.mark.parametrize("mode", ["refuse_400", "refuse_404", "refuse_501"])
def test_a_server_that_refuses_background_gets_the_ordinary_request(
    client: ResponsesClient, fake_server: FakeResponsesServer, mode: str
) -> None:
    fake_server.background.set_mode(mode)
    events = list(client.stream_background(BODY))
    unsupported = [e for e in events if isinstance(e, BackgroundUnsupported)]
    assert len(unsupported) == 1 and mode[-3:] in unsupported[0].reason
    assert events[0] == unsupported[0]
    assert text_of(events) == DEFAULT_ANSWER
    bodies = [r.json for r in posts(fake_server)]
    assert len(bodies) == 2
    assert bodies[0]["background"] is True
    assert "background" not in bodies[1] and "store" not in bodies[1]


def test_an_answer_without_an_id_is_streamed_the_ordinary_way(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.background.set_mode("no_id")
    events = list(client.stream_background(BODY))
    unsupported = [e for e in events if isinstance(e, BackgroundUnsupported)]
    assert [u.reason for u in unsupported] == ["the server gave the answer no id"]
    assert text_of(events) == DEFAULT_ANSWER
    assert len(posts(fake_server)) == 1


def test_an_ordinary_request_that_fails_too_reports_its_own_error(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.background.set_mode("refuse_400")
    fake_server.enqueue("http_401")  # the ordinary request after the refusal
    with pytest.raises(Exception) as caught:
        list(client.stream_background(BODY))
    assert getattr(caught.value, "status", None) == 401


def test_resume_from_the_start_or_after_a_number_in_a_new_client(
    fake_server: FakeResponsesServer,
) -> None:
    with ResponsesClient(fake_server.base_url, "tok") as first:
        events = list(first.stream_background(BODY))
    response_id = done(events).reply.response_id
    assert response_id is not None
    with ResponsesClient(fake_server.base_url, "tok") as later:
        again = list(later.resume(response_id))
        assert text_of(again) == DEFAULT_ANSWER
        cut = next(
            e.sequence
            for e in events
            if isinstance(e, Checkpoint) and text_of(events[: events.index(e)])
        )
        shown = text_of(events[: events.index(Checkpoint(cut))])
        rest = list(later.resume(response_id, after=cut))
        assert shown + text_of(rest) == DEFAULT_ANSWER
        assert done(rest).reply.text == DEFAULT_ANSWER  # the reply is whole
        reply = later.retrieve(response_id)
    assert (reply.status, reply.text) == ("completed", DEFAULT_ANSWER)


def test_a_resume_after_any_event_shows_nothing_twice(fake_server: FakeResponsesServer) -> None:
    """What a consumer saw up to event N plus what a new client's resume after N shows is
    the whole answer and reasoning, for every N — also past a part's last delta, where
    only its `.done` event (and the final object) still carry its text."""
    with ResponsesClient(fake_server.base_url, "tok") as client:
        events = list(client.stream_background(BODY))
        whole = done(events).reply
        seen: list[StreamEvent] = []
        for event in events:
            seen.append(event)
            if not isinstance(event, Checkpoint):
                continue
            rest = list(client.resume(str(whole.response_id), after=event.sequence))
            shown = seen + rest
            assert text_of(shown) == whole.text, event.sequence
            assert shown_of(shown, ReasoningDelta) == whole.reasoning, event.sequence
            assert done(rest).reply.text == whole.text


def shown_of(events: list[StreamEvent], kind: type[Any]) -> str:
    return "".join(e.text for e in events if isinstance(e, kind))


def test_resuming_an_unknown_answer_is_a_plain_not_found(
    client: ResponsesClient,
) -> None:
    with pytest.raises(Exception) as caught:
        list(client.resume("resp_missing"))
    assert getattr(caught.value, "status", None) == 404


def test_a_server_quoting_the_token_while_following_never_shows_it() -> None:
    """Errors met while following an answer on the server (here: an error event in a
    resumed stream) have the token blanked out like those of an ordinary request, for
    the CLI as for the window."""
    import httpx

    token = "raw-token-7c1e-never-shown"

    def quoting(request: httpx.Request) -> httpx.Response:
        # The stream is accepted; the failure comes as an event inside it.
        failure = {"type": "error", "code": "server_error", "message": f"bad key {token}"}
        stream = f"event: error\ndata: {json.dumps(failure)}\n\n"
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, content=stream.encode(), headers=headers)

    client = ResponsesClient("http://127.0.0.1:9/v1", token, transport=httpx.MockTransport(quoting))
    with pytest.raises(ApiError) as info:
        list(client.resume("resp_1"))
    error = info.value
    for text in (error.user_message, error.cli_message, error.details(), str(error)):
        assert token not in text
