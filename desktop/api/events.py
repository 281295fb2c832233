"""Typed values for a reply and its stream. The GUI, the CLI and the store only ever
see these frozen values, never raw JSON; accumulator.py builds them from the wire."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from desktop.api.reply import Reply, Usage
from desktop.api.tools import Citation, ToolActivity

__all__ = [
    "BackgroundUnsupported",
    "Checkpoint",
    "Citation",
    "CommentaryDelta",
    "ReasoningDelta",
    "Reconnecting",
    "RefusalDelta",
    "Reply",
    "ResponseDone",
    "ResponseStarted",
    "StreamEvent",
    "TextDelta",
    "ToolActivity",
    "Usage",
]


@dataclass(frozen=True, slots=True)
class ResponseStarted:
    response_id: str | None
    model: str | None


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    text: str


@dataclass(frozen=True, slots=True)
class RefusalDelta:
    text: str


@dataclass(frozen=True, slots=True)
class CommentaryDelta:
    """Text of a message of phase "commentary": what the model says it will do next
    ("I'll look up the current figures first."), shown apart from the answer."""

    text: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Everything before this event was up to the server's event `sequence`: what a
    consumer has shown by now is what a stream resumed after `sequence` continues."""

    sequence: int


@dataclass(frozen=True, slots=True)
class Reconnecting:
    """A background answer's stream broke; attempt `attempt` follows in `delay` seconds."""

    attempt: int
    delay: float


@dataclass(frozen=True, slots=True)
class BackgroundUnsupported:
    """The server does not keep answers running (`reason` says how it showed it); the
    answer streams the ordinary way, which a dropped connection ends."""

    reason: str


@dataclass(frozen=True, slots=True)
class ResponseDone:
    """Always the last event of a completed or incomplete stream; `reply.text` is final."""

    reply: Reply


StreamEvent: TypeAlias = (
    ResponseStarted
    | TextDelta
    | ReasoningDelta
    | RefusalDelta
    | CommentaryDelta
    | ToolActivity
    | Citation
    | Checkpoint
    | Reconnecting
    | BackgroundUnsupported
    | ResponseDone
)
Events: TypeAlias = tuple[StreamEvent, ...]


def events_of(reply: Reply) -> Iterator[StreamEvent]:
    """A whole reply as the events a stream of it ends with, so that callers handle
    one path whether the answer was streamed or not."""
    yield ResponseStarted(reply.response_id, reply.model)
    if reply.reasoning:
        yield ReasoningDelta(reply.reasoning)
    if reply.commentary:
        yield CommentaryDelta(reply.commentary)
    yield from reply.tool_calls
    if reply.refusal:
        yield RefusalDelta(reply.refusal)
    if reply.text:
        yield TextDelta(reply.text)
    yield from reply.citations
    yield ResponseDone(reply)
