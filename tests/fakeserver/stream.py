"""The streamed answer of the fake server: the SSE events in the order OpenAI sends them,
and the timed writes that carry them (CRLF, noise, splits inside UTF-8 characters)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.fakeserver.items import (
    annotations_of,
    commentary_item,
    message_item,
    output_items,
    reasoning_item,
    response_object,
)
from tests.fakeserver.tools import annotation_events, find_in_page_item, web_search_events

if TYPE_CHECKING:
    from tests.fakeserver.scenarios import Scenario


@dataclass
class Write:
    data: bytes
    delay: float = 0.0  # seconds to wait before writing


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
    rs = reasoning_item(scenario, done=False)
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
        item=reasoning_item(scenario, True, request_body),
    )
    if kind == "error_event":
        ev.add(
            "error", code="server_error", message="The model crashed while thinking.", param=None
        )
        return ev.items
    at = 1
    if scenario.commentary:
        _message_events(ev, commentary_item(scenario, True), at, scenario.commentary)
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
    msg = message_item(scenario, done=False)
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
        for name, payload in annotation_events(annotations_of(scenario, text), msg["id"], at):
            ev.add(name, **payload)
        ev.add("response.output_text.done", **ids, text=text, logprobs=[])
        done_part = {
            "type": "output_text",
            "annotations": annotations_of(scenario, text),
            "logprobs": [],
            "text": text,
        }
    ev.add("response.content_part.done", **ids, part=done_part)
    final_msg = message_item(scenario.with_(answer=text), done=True, refusal=refusal)
    ev.add("response.output_item.done", output_index=at, item=final_msg)
    status = "incomplete" if kind == "incomplete" else "completed"
    output = output_items(scenario, request_body, text)
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


def stream_writes(scenario: Scenario, request_body: Any) -> Iterator[Write]:
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
