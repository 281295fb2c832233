"""Frozen value types that cross from the store to the GUI and exporters."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"


class MessageStatus(StrEnum):
    """Lifecycle of a message; user and system messages are always COMPLETE."""

    COMPLETE = "complete"
    STREAMING = "streaming"  # the answer is still arriving
    STOPPED = "stopped"  # the person pressed Stop; the partial text is kept
    INTERRUPTED = "interrupted"  # the app died while streaming (found at start-up)
    FAILED = "failed"  # the API reported an error; see Message.error
    INCOMPLETE = "incomplete"  # the API ended early, e.g. max_output_tokens


@dataclass(frozen=True, slots=True)
class MessageUsage:
    """Token counts reported by the API; any of them may be unknown."""

    input_tokens: int | None = None
    cached_tokens: int | None = None
    output_tokens: int | None = None
    reasoning_tokens: int | None = None
    total_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    id: int
    title: str
    title_is_auto: bool
    created: float  # Unix seconds
    updated: float  # Unix seconds; bumped when a message is added or finished
    pinned: bool
    draft: str
    deleted_at: float | None  # set while soft-deleted (undo possible)


@dataclass(frozen=True, slots=True)
class Message:
    """One message on a branch of a conversation.

    Messages form a tree through `parent_id` (the message this one follows).
    Siblings, i.e. messages with the same parent, are versions of each other:
    regenerated answers, or edited questions. `version` counts from 1 among
    the siblings and `version_count` is their number.
    """

    id: int
    conversation_id: int
    parent_id: int | None
    role: Role
    text: str
    status: MessageStatus
    created: float
    updated: float
    version: int = 1
    version_count: int = 1
    reasoning: str = ""
    error: str | None = None
    usage: MessageUsage | None = None
    model: str | None = None
    response_id: str | None = None
    # For an answer kept running on the server: the number of the last event its saved
    # text includes (see Store.update_streaming).
    sequence_number: int | None = None
    rendered_html: str | None = None  # only set when the cache matched the renderer version


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A full-text match; `snippet` marks matches with HIGHLIGHT_START/END sentinels."""

    conversation_id: int
    message_id: int
    conversation_title: str
    role: Role
    snippet: str
    created: float
