"""The accumulator that turns a Responses API event stream (SSE) into the typed values
of events.py, and a whole reply at its end.

Every handler takes one event's payload and returns the events it means for the
consumer; the wire format is read here and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeAlias

from desktop.api.errors import MalformedResponseError, failure_from_payload
from desktop.api.events import (
    CommentaryDelta,
    Events,
    ReasoningDelta,
    RefusalDelta,
    ResponseDone,
    ResponseStarted,
    StreamEvent,
    TextDelta,
)
from desktop.api.parts import Parts
from desktop.api.reply import (
    COMMENTARY,
    MESSAGE_BREAK,
    REASONING_PARAGRAPH,
    Reply,
    Usage,
    int_field,
    str_or_none,
)
from desktop.api.tools import (
    TOOL_STATUS_EVENTS,
    Citation,
    ToolLog,
    activity_from_item,
    citations_in,
)

_NONE: Events = ()
TERMINAL_STATUSES = frozenset({"completed", "incomplete"})


_decoder = json.JSONDecoder()


def _loads(data: str) -> Any:
    # raw_decode skips json.loads's two whitespace regex passes; SSE data lines never
    # start with whitespace (httpx-sse strips the one space after "data:").
    if data[0].isspace():
        return json.loads(data)
    obj, end = _decoder.raw_decode(data)
    if end != len(data) and data[end:].strip():
        raise ValueError("extra data after JSON value")
    return obj


def _key(payload: Mapping[str, Any], index: str) -> tuple[int, int]:
    return (int_field(payload, "output_index"), int_field(payload, index))


class ReplyAccumulator:
    """Turns raw SSE events (name + JSON) into typed stream events and a running Reply.

    Unknown event types are ignored. A `.done` event whose full text differs from the
    deltas replaces them (some servers skip deltas); only a missing tail can be shown
    as a delta, so consumers should treat `ResponseDone.reply.text` as authoritative.
    """

    def __init__(self, response_id: str | None = None) -> None:
        self._text = Parts(MESSAGE_BREAK, per_item=True)
        self._commentary = Parts(MESSAGE_BREAK, per_item=True)
        self._commentary_at: set[Any] = set()  # output indexes of commentary messages
        self._items: dict[int, Mapping[str, Any]] = {}  # finished output items
        self._reasoning = Parts(REASONING_PARAGRAPH)
        self._refusal = Parts()
        self._usage: Usage | None = None
        self._status = "in_progress"
        self._incomplete_reason: str | None = None
        self._response_id = response_id
        self._model: str | None = None
        self._started = False
        self._hot_where: tuple[Any, Any] | None = None
        self._hot_part: list[str] | None = None
        self._tools = ToolLog()
        self.finished = False  # a completed/incomplete event arrived
        # The server's `sequence_number` of the last event fed, and for a resumed stream
        # the number up to which events were already seen (a repeat is dropped).
        self.last_sequence: int | None = None
        self.skip_through = -1
        self.background = False  # the server says it keeps the answer running
        # Fed a stream resumed after some sequence number in a new process: the events
        # before it were never seen here, so the final Response's text is the whole.
        self.joined_midway = False

    @property
    def response_id(self) -> str | None:
        return self._response_id

    def snapshot(self) -> Reply:
        return Reply(
            text=self._text.text(),
            reasoning=self._reasoning.text(),
            refusal=self._refusal.text(),
            usage=self._usage,
            status=self._status,
            incomplete_reason=self._incomplete_reason,
            response_id=self._response_id,
            model=self._model,
            citations=self._tools.citations(),
            tool_calls=self._tools.calls(),
            commentary=self._commentary.text(),
            output=tuple(self._items[i] for i in sorted(self._items)),
        )

    def feed_sse(self, event: str, data: str) -> Events:
        """Parse one SSE event's data and feed it; invalid JSON raises MalformedResponseError."""
        if not data or data == "[DONE]":
            return _NONE
        try:
            payload = _loads(data)
        except ValueError as exc:
            raise MalformedResponseError(
                detail=f"invalid JSON in {event!r} event", partial=self.snapshot()
            ) from exc
        if type(payload) is not dict:
            raise MalformedResponseError(
                detail=f"{event!r} event is not a JSON object", partial=self.snapshot()
            )
        sequence = payload.get("sequence_number")
        if type(sequence) is int:
            if sequence <= self.skip_through:
                return _NONE
            self.last_sequence = sequence
        # The `type` field is authoritative; the SSE `event:` line is only a hint, and
        # some local servers send `data:` lines alone.
        kind = payload.get("type")
        return self.feed(kind if type(kind) is str else event, payload)

    def feed(self, kind: str, payload: Mapping[str, Any]) -> Events:
        """Feed one parsed event; return the typed events it produces (often none)."""
        if kind == "response.output_text.delta":
            # The hot path (tens of thousands per answer): a delta for the same part as
            # the previous one is appended without re-deriving its key.
            delta = payload.get("delta")
            where = (payload.get("output_index"), payload.get("content_index"))
            if where == self._hot_where and type(delta) is str and self._hot_part is not None:
                self._hot_part.append(delta)
                return (TextDelta(delta),)
            key = _key(payload, "content_index")
            if where[0] in self._commentary_at:
                return _maybe(CommentaryDelta, self._commentary.append(key, _delta(payload)))
            shown = self._text.append(key, _delta(payload))
            self._hot_where, self._hot_part = where, self._text.parts[key]
            return (TextDelta(shown),)
        handler = _HANDLERS.get(kind)
        return handler(self, payload) if handler is not None else _NONE

    # -- handlers -----------------------------------------------------------------------
    def _on_started(self, payload: Mapping[str, Any]) -> Events:
        response = payload.get("response")
        if isinstance(response, Mapping):
            self._response_id = str_or_none(response.get("id")) or self._response_id
            self._model = str_or_none(response.get("model")) or self._model
            self.background = self.background or response.get("background") is True
        if self._started:
            return _NONE
        self._started = True
        return (ResponseStarted(self._response_id, self._model),)

    def _on_text_done(self, payload: Mapping[str, Any]) -> Events:
        full = str(payload.get("text"))
        key = _key(payload, "content_index")
        if payload.get("output_index") in self._commentary_at:
            return _maybe(CommentaryDelta, self._finish(self._commentary, key, full))
        return _maybe(TextDelta, self._finish(self._text, key, full))

    def _finish(self, parts: Parts, key: tuple[int, int], full: str) -> str:
        """What a `.done` event adds to what was shown. Joined midway, a part whose
        deltas all came before the resume point was shown already, by whoever saw
        those events: it is kept, not shown again."""
        if self.joined_midway and key not in parts.parts:
            parts.append(key, full)
            return ""
        return parts.finish(key, full)

    def _on_reasoning_delta(self, payload: Mapping[str, Any]) -> Events:
        shown = self._reasoning.append(_reasoning_key(payload), _delta(payload))
        return _maybe(ReasoningDelta, shown)

    def _on_reasoning_done(self, payload: Mapping[str, Any]) -> Events:
        full = payload.get("text")
        if not isinstance(full, str):
            return _NONE
        return _maybe(ReasoningDelta, self._finish(self._reasoning, _reasoning_key(payload), full))

    def _on_refusal_delta(self, payload: Mapping[str, Any]) -> Events:
        shown = self._refusal.append(_key(payload, "content_index"), _delta(payload))
        return _maybe(RefusalDelta, shown)

    def _on_refusal_done(self, payload: Mapping[str, Any]) -> Events:
        full = payload.get("refusal")
        if not isinstance(full, str):
            return _NONE
        key = _key(payload, "content_index")
        return _maybe(RefusalDelta, self._finish(self._refusal, key, full))

    def _on_part_done(self, payload: Mapping[str, Any]) -> Events:
        part = payload.get("part")
        if not isinstance(part, Mapping):
            return _NONE
        if part.get("type") == "output_text" and isinstance(part.get("text"), str):
            shown = self._on_text_done({**payload, "text": part["text"]})
            cited = self._cite(payload, citations_in(part.get("annotations")))
            return shown + cited if cited else shown
        if part.get("type") == "refusal":
            return self._on_refusal_done({**payload, "refusal": part.get("refusal")})
        return _NONE

    def _on_item_added(self, payload: Mapping[str, Any]) -> Events:
        item = payload.get("item")
        if isinstance(item, Mapping) and item.get("type") == "message":
            if item.get("phase") == COMMENTARY:
                self._commentary_at.add(payload.get("output_index"))
            return _NONE
        return self._on_item(payload)

    def _on_item_done(self, payload: Mapping[str, Any]) -> Events:
        item = payload.get("item")
        index = payload.get("output_index")
        if isinstance(item, Mapping) and isinstance(index, int):
            self._items[index] = item
        return self._on_item(payload)

    def _on_item(self, payload: Mapping[str, Any]) -> Events:
        activity = activity_from_item(payload.get("item"))
        if activity is None:
            return _NONE
        changed = self._tools.update(activity)
        return (changed,) if changed is not None else _NONE

    def _on_tool_status(self, payload: Mapping[str, Any], *, kind: str, status: str) -> Events:
        item_id = payload.get("item_id")
        if not isinstance(item_id, str):
            return _NONE
        changed = self._tools.status(item_id, kind, status)
        return (changed,) if changed is not None else _NONE

    def _on_annotation(self, payload: Mapping[str, Any]) -> Events:
        return self._cite(payload, citations_in([payload.get("annotation")]))

    def _cite(self, payload: Mapping[str, Any], found: list[Citation]) -> Events:
        if not found or payload.get("output_index") in self._commentary_at:
            return _NONE
        # Annotation indices count within their own part; the Reply's text joins parts.
        offset = self._text.offset(_key(payload, "content_index"))
        events = []
        for note in found:
            cited = self._tools.cite(note, offset)
            if cited is not None:
                events.append(cited)
        return tuple(events)

    def _on_finished(self, payload: Mapping[str, Any]) -> Events:
        response = payload.get("response")
        if not isinstance(response, Mapping):
            response = {}
        events: list[StreamEvent] = list(self._on_started(payload))
        final = Reply.from_response(response)
        # Text that only the final object carries (a server that skipped every delta)
        # is still shown; deltas we already have are kept as they are. (Joined midway,
        # what no event here carried was shown before the resume point.)
        fresh = not self.joined_midway
        if final.text and not self._text.parts and fresh:
            events.append(TextDelta(self._text.append((0, 0), final.text)))
        if final.commentary and not self._commentary.parts and fresh:
            events.append(CommentaryDelta(self._commentary.append((0, 0), final.commentary)))
        if final.output:
            self._items = dict(enumerate(final.output))
        if final.reasoning and not self._reasoning.parts and fresh:
            events.append(ReasoningDelta(self._reasoning.append((0, 0), final.reasoning)))
        if final.refusal and not self._refusal.parts and fresh:
            events.append(RefusalDelta(self._refusal.append((0, 0), final.refusal)))
        events += self._tools.merge(final.tool_calls, final.citations)
        if self.joined_midway:
            # What came before the resume point is only in the final object: the reply
            # carries it whole, while the events above gave only what was new.
            for parts, whole in (
                (self._text, final.text),
                (self._commentary, final.commentary),
                (self._reasoning, final.reasoning),
                (self._refusal, final.refusal),
            ):
                if whole:
                    parts.reset(whole)
        self._usage = final.usage or self._usage
        self._status = str(response.get("status") or payload.get("type", "")[9:] or "completed")
        self._incomplete_reason = final.incomplete_reason
        self.finished = True
        events.append(ResponseDone(self.snapshot()))
        return tuple(events)

    def _on_failed(self, payload: Mapping[str, Any]) -> Events:
        self._status = "failed"
        response = payload.get("response")
        if isinstance(response, Mapping):
            usage = response.get("usage")
            self._usage = Usage.from_json(usage) if isinstance(usage, Mapping) else self._usage
            error = response.get("error")
        else:
            error = payload.get("error", payload)
        raise failure_from_payload(error, partial=self.snapshot())

    def _on_error(self, payload: Mapping[str, Any]) -> Events:
        self._status = "failed"
        error = payload.get("error")
        raise failure_from_payload(
            error if isinstance(error, Mapping) else payload, self.snapshot()
        )


def _delta(payload: Mapping[str, Any]) -> str:
    delta = payload.get("delta")
    return delta if isinstance(delta, str) else ""


def _reasoning_key(payload: Mapping[str, Any]) -> tuple[int, int]:
    # Summary parts and raw reasoning parts of one item are distinct paragraphs.
    if "summary_index" in payload:
        return _key(payload, "summary_index")
    return (int_field(payload, "output_index"), 1000 + int_field(payload, "content_index"))


def _maybe(
    kind: type[TextDelta | ReasoningDelta | RefusalDelta | CommentaryDelta], text: str
) -> Events:
    return (kind(text),) if text else _NONE


Handler: TypeAlias = Callable[[ReplyAccumulator, Mapping[str, Any]], Events]
_HANDLERS: dict[str, Handler] = {
    "response.created": ReplyAccumulator._on_started,
    "response.in_progress": ReplyAccumulator._on_started,
    "response.output_text.done": ReplyAccumulator._on_text_done,
    "response.reasoning_summary_text.delta": ReplyAccumulator._on_reasoning_delta,
    "response.reasoning_summary_text.done": ReplyAccumulator._on_reasoning_done,
    "response.reasoning_text.delta": ReplyAccumulator._on_reasoning_delta,
    "response.reasoning_text.done": ReplyAccumulator._on_reasoning_done,
    "response.refusal.delta": ReplyAccumulator._on_refusal_delta,
    "response.refusal.done": ReplyAccumulator._on_refusal_done,
    "response.content_part.done": ReplyAccumulator._on_part_done,
    "response.output_item.added": ReplyAccumulator._on_item_added,
    "response.output_item.done": ReplyAccumulator._on_item_done,
    "response.output_text.annotation.added": ReplyAccumulator._on_annotation,
    # The name OpenAI's SDK types use; servers have sent both.
    "response.output_text_annotation.added": ReplyAccumulator._on_annotation,
    "response.completed": ReplyAccumulator._on_finished,
    "response.incomplete": ReplyAccumulator._on_finished,
    "response.failed": ReplyAccumulator._on_failed,
    "error": ReplyAccumulator._on_error,
}
for _tool, _statuses in TOOL_STATUS_EVENTS.items():
    for _status in _statuses:
        _HANDLERS[f"response.{_tool}_call.{_status}"] = partial(
            ReplyAccumulator._on_tool_status, kind=_tool, status=_status
        )
# content_part.added and reasoning_summary_part.added/done carry no text we do not also
# get from deltas and .done events, so they fall through to "ignored" like unknown
# types; content_part.done is used for its full text and annotations, and
# output_item.added/done for tool calls, message phases and the items to replay.
