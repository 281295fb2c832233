"""Built-in tools: tool activity and citations from the stream and the final Response,
and a server that rejects a tool named in the error sentence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.api import ResponsesClient
from desktop.api.accumulator import ReplyAccumulator
from desktop.api.errors import BadRequestError, error_from_response, rejected_tool
from desktop.api.events import (
    Citation,
    Reply,
    ResponseDone,
    TextDelta,
    ToolActivity,
)
from desktop.api.request import RequestOptions, Turn, build_request
from tests.fakeserver import FakeResponsesServer
from tests.fakeserver.scenarios import preset, response_object, stream_events
from tests.fakeserver.tools import WEB_SEARCH_ANSWER, WEB_SEARCH_QUERY

NEWS = "https://news.example.com/parley-0-1"
DOCS = "https://docs.example.org/responses"


def feed(items: list[tuple[str, dict[str, Any], bool]]) -> tuple[list[Any], Reply]:
    acc = ReplyAccumulator()
    events: list[Any] = []
    for kind, payload, _ in items:
        events += acc.feed_sse(kind, json.dumps(payload))
    return events, acc.snapshot()


def test_web_search_stream_reports_each_step_once() -> None:
    events, reply = feed(stream_events(preset("web_search"), {}))
    tools = [e for e in events if isinstance(e, ToolActivity)]
    assert tools == [
        ToolActivity("ws_fake0001", "web_search", "in_progress"),
        ToolActivity("ws_fake0001", "web_search", "searching"),
        ToolActivity("ws_fake0001", "web_search", "completed"),
        ToolActivity("ws_fake0001", "web_search", "completed", WEB_SEARCH_QUERY, "search"),
    ]
    assert reply.tool_calls == (tools[-1],)
    # the tool runs before the answer's first delta
    first_text = next(i for i, e in enumerate(events) if isinstance(e, TextDelta))
    assert events.index(tools[-1]) < first_text


def test_citations_from_annotation_events_number_each_source_once() -> None:
    events, reply = feed(stream_events(preset("web_search"), {}))
    citations = [e for e in events if isinstance(e, Citation)]
    assert [(c.index, c.title, c.url) for c in citations] == [
        (1, "Example News", NEWS),
        (2, "API reference", DOCS),
        (1, "Example News", NEWS),
    ]
    assert reply.citations == tuple(citations)
    for c in citations:
        assert reply.text[c.start : c.end].endswith(f"]({c.url}))")
    done = events[-1]
    assert isinstance(done, ResponseDone) and done.reply.citations == reply.citations


def test_citations_only_in_the_final_response_are_still_reported() -> None:
    items = [
        i
        for i in stream_events(preset("web_search"), {})
        if "annotation" not in i[0] and "part.done" not in i[0]
    ]
    events, reply = feed(items)
    assert len([e for e in events if isinstance(e, Citation)]) == 3
    assert [c.index for c in reply.citations] == [1, 2, 1]


def test_citation_offsets_count_from_the_start_of_the_whole_answer() -> None:
    acc = ReplyAccumulator()
    acc.feed("response.output_text.delta", {"output_index": 1, "content_index": 0, "delta": "Hi. "})
    acc.feed(
        "response.output_text.delta", {"output_index": 2, "content_index": 0, "delta": "See [x]."}
    )
    note = {"type": "url_citation", "start_index": 4, "end_index": 7, "title": "X", "url": NEWS}
    (cited,) = acc.feed(
        "response.output_text.annotation.added",
        {"output_index": 2, "content_index": 0, "annotation_index": 0, "annotation": note},
    )
    # Two messages are two paragraphs: "Hi. " + "\n\n" + "See [x]."
    assert isinstance(cited, Citation) and (cited.start, cited.end) == (10, 13)
    assert acc.snapshot().text[cited.start : cited.end] == "[x]"
    # other annotation kinds (kept, typed) and the SDK's event name
    file_note = {"type": "file_citation", "file_id": "f", "index": 0, "filename": "a"}
    (cited_file,) = acc.feed("response.output_text.annotation.added", {"annotation": file_note})
    assert isinstance(cited_file, Citation) and cited_file.kind == "file_citation"
    assert (cited_file.index, cited_file.title, cited_file.file_id) == (2, "a", "f")
    again = {**note, "url": DOCS, "title": ""}
    (other,) = acc.feed("response.output_text_annotation.added", {"annotation": again})
    assert isinstance(other, Citation) and other.index == 3 and other.title == DOCS


def test_non_streamed_reply_has_tool_calls_and_citations() -> None:
    reply = Reply.from_response(response_object(preset("web_search"), {}))
    assert reply.text == WEB_SEARCH_ANSWER
    assert [t.query for t in reply.tool_calls] == [WEB_SEARCH_QUERY]
    assert [c.index for c in reply.citations] == [1, 2, 1]
    assert Reply.from_response(response_object(preset("normal"), {})).citations == ()


def test_other_tools_and_actions() -> None:
    acc = ReplyAccumulator()
    page = {
        "id": "ws_2",
        "type": "web_search_call",
        "status": "completed",
        "action": {"type": "open_page", "url": NEWS},
    }
    (opened,) = acc.feed("response.output_item.done", {"item": page})
    assert opened == ToolActivity("ws_2", "web_search", "completed", None, "open_page", NEWS)
    find = {**page, "id": "ws_3", "action": {"type": "find", "url": NEWS, "pattern": "0.1"}}
    (found,) = acc.feed("response.output_item.done", {"item": find})
    assert found.query == "0.1"  # type: ignore[union-attr]
    several = {**page, "id": "ws_4", "action": {"type": "search", "queries": ["a", "b"]}}
    (both,) = acc.feed("response.output_item.added", {"item": several})
    assert both.query == "a; b"  # type: ignore[union-attr]
    (code,) = acc.feed("response.code_interpreter_call.interpreting", {"item_id": "ci_1"})
    assert code == ToolActivity("ci_1", "code_interpreter", "interpreting")
    # a late progress event never undoes a finished call; function calls are not tools
    assert acc.feed("response.web_search_call.searching", {"item_id": "ws_2"}) == ()
    function = {"id": "fc_1", "type": "function_call", "status": "completed"}
    assert acc.feed("response.output_item.done", {"item": function}) == ()
    assert acc.feed("response.output_item.added", {"item": {"type": "message", "id": "m"}}) == ()
    assert [t.item_id for t in acc.snapshot().tool_calls] == ["ws_2", "ws_3", "ws_4", "ci_1"]


@pytest.fixture
def client(fake_server: FakeResponsesServer) -> Iterator[ResponsesClient]:
    with ResponsesClient(fake_server.base_url, "tok", backoff_base=0.01) as c:
        yield c


def web_search_body(stream: bool = True) -> dict[str, Any]:
    options = RequestOptions(tools=({"type": "web_search"},), stream=stream)
    return build_request([Turn("user", "What's new in Parley?")], options)


def test_client_streams_web_search_over_http(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.enqueue("web_search")
    events = list(client.stream(web_search_body()))
    assert fake_server.requests[0].json["tools"] == [{"type": "web_search"}]
    kinds = [type(e).__name__ for e in events]
    assert kinds.count("ToolActivity") == 4 and kinds.count("Citation") == 3
    reply = events[-1].reply  # type: ignore[union-attr]
    assert reply.text == WEB_SEARCH_ANSWER and len(reply.citations) == 3


def test_client_non_streamed_web_search_yields_the_same_values(
    client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.enqueue("web_search", stream=False)
    events = list(client.stream(web_search_body()))
    assert [type(e).__name__ for e in events] == [
        "ResponseStarted",
        "ReasoningDelta",
        "ToolActivity",
        "TextDelta",
        "Citation",
        "Citation",
        "Citation",
        "ResponseDone",
    ]
    fake_server.enqueue("web_search")
    reply = client.create(web_search_body(stream=False))
    assert reply.tool_calls[0].status == "completed" and len(reply.citations) == 3


@pytest.mark.parametrize("name", ["tool_rejected", "cf_tool_rejected"])
def test_server_rejecting_web_search_says_to_turn_it_off(
    name: str, client: ResponsesClient, fake_server: FakeResponsesServer
) -> None:
    fake_server.enqueue(name)
    with pytest.raises(BadRequestError) as info:
        list(client.stream(web_search_body()))
    assert info.value.user_message == (
        "This server does not offer web search; turn it off in Settings."
    )
    assert info.value.status == 400 and len(fake_server.requests) == 1  # not retried


@pytest.mark.parametrize(
    ("message", "param", "tool"),
    [
        ("Tool 'web_search_preview' is not supported with gpt-4.", "tools", "web_search"),
        ("tools[0].type: unsupported value 'file_search'", None, "file_search"),
        ("The code_interpreter tool is not available on this deployment", None, "code_interpreter"),
        ("Unknown tool type: image_generation", None, "image_generation"),
        ("Invalid value for 'tools[0].type'.", "tools[0].type", "tool"),
        ("Invalid value for 'temperature': must be <= 2.", "temperature", None),
        ("Unknown parameter: 'max_tool_calls'.", "max_tool_calls", None),
        ("web_search is great", None, None),
        (None, "tools", None),
    ],
)
def test_rejected_tool_is_found_in_the_message(
    message: str | None, param: str | None, tool: str | None
) -> None:
    assert rejected_tool(message, param) == tool


def test_tool_rejection_sentences() -> None:
    body = json.dumps({"error": {"message": "Unsupported tool type: file_search", "param": None}})
    error = error_from_response(400, body)
    assert error.user_message == "This server does not offer file search; turn it off in Settings."
    vague = json.dumps({"error": {"message": "Invalid tools", "param": "tools"}})
    assert "a tool the request asked for" in error_from_response(422, vague).user_message
    other = json.dumps({"error": {"message": "Unsupported tool: shell_magic", "param": "tools"}})
    assert "turn tools off" in error_from_response(400, other).user_message
