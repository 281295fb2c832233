"""The accumulator: typed events from raw SSE payloads, and the Reply they add up to."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop.api.accumulator import ReplyAccumulator
from desktop.api.errors import MalformedResponseError, ResponseFailedError
from desktop.api.events import (
    ReasoningDelta,
    RefusalDelta,
    Reply,
    ResponseDone,
    ResponseStarted,
    TextDelta,
    Usage,
)
from tests.fakeserver.scenarios import preset, response_object, stream_events


def feed_all(items: list[tuple[str, dict[str, Any], bool]]) -> tuple[list[Any], Reply]:
    acc = ReplyAccumulator()
    events: list[Any] = []
    for kind, payload, _ in items:
        events += acc.feed_sse(kind, json.dumps(payload))
    return events, acc.snapshot()


def test_usage_from_json_and_sum() -> None:
    usage = Usage.from_json(
        {
            "input_tokens": 15,
            "input_tokens_details": {"cached_tokens": 4},
            "output_tokens": 342,
            "output_tokens_details": {"reasoning_tokens": 67},
            "total_tokens": 357,
        }
    )
    assert usage == Usage(15, 4, 342, 67, 357)
    assert Usage.from_json({"input_tokens": 2, "output_tokens": 3}) == Usage(2, 0, 3, 0, 5)
    assert Usage.from_json(None) == Usage()
    assert usage + Usage(1, 1, 1, 1, 2) == Usage(16, 5, 343, 68, 359)


def test_reply_from_cloudflare_response_object() -> None:
    obj = response_object(preset("normal", answer="Silent circuits dream"), {})
    reply = Reply.from_response(obj)
    assert reply.text == "Silent circuits dream"
    assert reply.status == "completed" and reply.model == "gpt-5.4-pro-2026-03-05"
    assert reply.usage == Usage(15, 4, 342, 67, 357)
    assert reply.reasoning.startswith("**Recalling")


def test_normal_stream_event_order_and_reply() -> None:
    events, reply = feed_all(stream_events(preset("normal"), {}))
    assert isinstance(events[0], ResponseStarted) and events[0].response_id == "resp_fake0001"
    assert sum(isinstance(e, ResponseStarted) for e in events) == 1
    assert isinstance(events[-1], ResponseDone) and events[-1].reply == reply
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    reasoning = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
    assert text == reply.text == preset("normal").answer
    assert reasoning == reply.reasoning == preset("normal").reasoning
    assert reply.usage == Usage(15, 4, 342, 67, 357)


def test_done_events_fill_in_when_deltas_are_skipped() -> None:
    events, reply = feed_all(stream_events(preset("skip_deltas"), {}))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == reply.text
    assert reply.text == preset("normal").answer


def test_done_text_that_differs_wins() -> None:
    acc = ReplyAccumulator()
    key = {"output_index": 1, "content_index": 0}
    acc.feed("response.output_text.delta", {**key, "delta": "Helo"})
    assert acc.feed("response.output_text.done", {**key, "text": "Hello"}) == ()
    assert acc.snapshot().text == "Hello"
    assert acc.feed("response.output_text.done", {**key, "text": "Hello, world"}) == (
        TextDelta(", world"),
    )


def test_reasoning_parts_are_separated_by_a_blank_line() -> None:
    acc = ReplyAccumulator()
    acc.feed("response.reasoning_summary_text.delta", {"summary_index": 0, "delta": "One"})
    out = acc.feed("response.reasoning_summary_text.delta", {"summary_index": 1, "delta": "Two"})
    assert out == (ReasoningDelta("\n\nTwo"),)
    assert acc.snapshot().reasoning == "One\n\nTwo"


def test_raw_reasoning_text_from_local_servers() -> None:
    events, reply = feed_all(stream_events(preset("reasoning_text"), {}))
    assert reply.reasoning == preset("reasoning_text").reasoning
    assert any(isinstance(e, ReasoningDelta) for e in events)


def test_refusal() -> None:
    events, reply = feed_all(stream_events(preset("refusal"), {}))
    refusal = "".join(e.text for e in events if isinstance(e, RefusalDelta))
    assert refusal == reply.refusal == preset("refusal").answer
    assert reply.text == ""


def test_incomplete_ends_with_done() -> None:
    events, reply = feed_all(stream_events(preset("incomplete"), {}))
    assert isinstance(events[-1], ResponseDone)
    assert reply.status == "incomplete" and reply.incomplete_reason == "max_output_tokens"


@pytest.mark.parametrize("name", ["failed", "error_event"])
def test_failures_raise_with_partial(name: str) -> None:
    acc = ReplyAccumulator()
    with pytest.raises(ResponseFailedError) as info:
        for kind, payload, _ in stream_events(preset(name), {}):
            acc.feed_sse(kind, json.dumps(payload))
    assert info.value.partial is not None and info.value.partial.status == "failed"
    assert info.value.detail and "model" in info.value.detail


def test_unknown_events_and_keepalive_data_are_ignored() -> None:
    acc = ReplyAccumulator()
    assert acc.feed_sse("response.future_thing", '{"type": "response.future_thing"}') == ()
    assert acc.feed_sse("message", "") == ()
    assert acc.feed_sse("message", "[DONE]") == ()


def test_type_field_wins_over_missing_event_line() -> None:
    acc = ReplyAccumulator()
    data = json.dumps({"type": "response.output_text.delta", "delta": "x"})
    assert acc.feed_sse("message", data) == (TextDelta("x"),)


def test_malformed_json_raises() -> None:
    acc = ReplyAccumulator()
    acc.feed("response.output_text.delta", {"delta": "so far"})
    with pytest.raises(MalformedResponseError) as info:
        acc.feed_sse("response.output_text.delta", '{"delta": "x')
    assert info.value.partial is not None and info.value.partial.text == "so far"
    with pytest.raises(MalformedResponseError):
        acc.feed_sse("response.output_text.delta", "[1, 2]")
