"""Message phases, reasoning carried between turns, and every annotation type, as GPT-5.x
sends them (shapes from openai-python's `openai.types.responses`)."""

from __future__ import annotations

import json
from typing import Any

from desktop.api import (
    CommentaryDelta,
    RequestOptions,
    ResponseDone,
    ResponsesClient,
    TextDelta,
    Turn,
    build_request,
)
from desktop.api.accumulator import ReplyAccumulator
from desktop.api.events import Reply, StreamEvent
from desktop.api.tools import activity_from_item
from tests.fakeserver import FakeResponsesServer, preset
from tests.fakeserver.scenarios import response_object, stream_events
from tests.fakeserver.tools import COMMENTARY, FILES_ANSWER, WEB_SEARCH_ANSWER


def _message(text: str, phase: str | None, index: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"msg_{index}",
        "type": "message",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
    }
    if phase is not None:
        item["phase"] = phase
    return item


def _feed(events: list[tuple[str, dict[str, Any], bool]]) -> list[StreamEvent]:
    acc = ReplyAccumulator()
    out: list[StreamEvent] = []
    for kind, payload, _delta in events:
        out += acc.feed_sse(kind, json.dumps(payload))
    return out


def test_commentary_is_kept_apart_from_the_answer_when_streamed() -> None:
    events = _feed(stream_events(preset("commentary"), {"stream": True}))
    answer = "".join(e.text for e in events if isinstance(e, TextDelta))
    said = "".join(e.text for e in events if isinstance(e, CommentaryDelta))
    reply = events[-1].reply if isinstance(events[-1], ResponseDone) else None
    assert reply is not None
    assert said == reply.commentary == COMMENTARY
    assert answer == reply.text == WEB_SEARCH_ANSWER
    assert "first.Parley" not in answer


def test_commentary_and_answer_in_a_response_object() -> None:
    obj = {
        "status": "completed",
        "output": [
            _message("I'll look up the current figures first.", "commentary", 1),
            _message("Workers AI serves the model.", "final_answer", 2),
        ],
    }
    reply = Reply.from_response(obj)
    assert reply.commentary == "I'll look up the current figures first."
    assert reply.text == "Workers AI serves the model."


def test_separate_messages_of_one_phase_are_never_glued() -> None:
    obj = {"output": [_message("First part.", None, 1), _message("Second part.", None, 2)]}
    assert Reply.from_response(obj).text == "First part.\n\nSecond part."
    streamed = []
    for at, text in ((0, "First part."), (1, "Second part.")):
        item = _message(text, None, at)
        streamed += [
            ("response.output_item.added", {"output_index": at, "item": item}, False),
            (
                "response.output_text.delta",
                {"output_index": at, "content_index": 0, "delta": text},
                True,
            ),
        ]
    shown = "".join(e.text for e in _feed(streamed) if isinstance(e, TextDelta))
    assert shown == "First part.\n\nSecond part."


def test_every_annotation_type_is_kept_typed() -> None:
    events = _feed(stream_events(preset("files"), {"stream": True}))
    reply = events[-1].reply if isinstance(events[-1], ResponseDone) else None
    assert reply is not None and reply.text == FILES_ANSWER
    kinds = {c.kind: c for c in reply.citations}
    assert set(kinds) == {"file_citation", "container_file_citation", "file_path"}
    assert kinds["file_citation"].title == "budget-2026.pdf"
    assert kinds["file_citation"].file_id == "file-report01"
    assert kinds["container_file_citation"].container_id == "cntr_fake01"
    assert kinds["file_path"].file_id == "file-table01"
    assert [c.index for c in reply.citations] == [1, 2, 3]
    from_object = Reply.from_response(response_object(preset("files"), {}))
    assert from_object.citations == reply.citations


def test_find_in_page_shows_its_pattern() -> None:
    item = {
        "id": "ws_2",
        "type": "web_search_call",
        "status": "completed",
        "action": {"type": "find_in_page", "pattern": "release date", "url": "https://x.org/a"},
    }
    activity = activity_from_item(item)
    assert activity is not None
    assert (activity.action, activity.query, activity.url) == (
        "find_in_page",
        "release date",
        "https://x.org/a",
    )


def test_max_effort_is_accepted() -> None:
    body = build_request([Turn("user", "hi")], RequestOptions(reasoning_effort="max"))
    assert body["reasoning"] == {"effort": "max"}


def test_request_asks_for_encrypted_reasoning_unless_the_server_keeps_state() -> None:
    turns = [Turn("user", "hi"), Turn("assistant", "Hello."), Turn("user", "more")]
    assert build_request(turns, RequestOptions())["include"] == ["reasoning.encrypted_content"]
    chained = build_request(
        turns, RequestOptions(use_previous_response_id=True), previous_response_id="resp_1"
    )
    assert "include" not in chained


def test_second_request_replays_reasoning_and_phases_byte_for_byte(
    fake_server: FakeResponsesServer,
) -> None:
    fake_server.set_default("commentary")
    options = RequestOptions()
    client = ResponsesClient(fake_server.base_url, None)
    first = client.create(build_request([Turn("user", "What is new?")], options))
    items = first.replayable()
    assert [i["type"] for i in items][:2] == ["reasoning", "message"]
    turns = [
        Turn("user", "What is new?"),
        Turn("assistant", first.text, items=tuple(items)),
        Turn("user", "And before that?"),
    ]
    list(client.stream(build_request(turns, options)))
    sent = fake_server.requests[1]
    replayed = sent.json["input"][1 : 1 + len(items)]
    assert replayed == items == list(first.output)  # every item the server sent, in order
    reasoning = replayed[0]
    assert reasoning["encrypted_content"] == "gAAAAABfake-encrypted-reasoning-0001=="
    assert [m.get("phase") for m in replayed if m["type"] == "message"] == [
        "commentary",
        "final_answer",
    ]
    # Byte for byte: each replayed item's JSON text appears unchanged in the request.
    raw = sent.raw_body.decode()
    for item in items:
        assert json.dumps(item, ensure_ascii=False, separators=(",", ":")) in raw


def test_answers_saved_without_items_replay_as_role_and_content() -> None:
    turns = [Turn("user", "hi"), Turn("assistant", "Hello."), Turn("user", "more")]
    body = build_request(turns, RequestOptions())
    assert body["input"][1] == {"role": "assistant", "content": "Hello."}


def test_reasoning_without_encrypted_content_is_not_replayed() -> None:
    reply = Reply.from_response(
        {"output": [{"id": "rs_1", "type": "reasoning", "summary": []}, _message("Hi.", None, 1)]}
    )
    assert [i["type"] for i in reply.replayable()] == ["message"]
