"""Stored messages as the conversation page draws them and as a request sends them,
and the small value conversions between the store and the API layers (no widgets)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from desktop.store.models import Message, MessageStatus, MessageUsage

if TYPE_CHECKING:
    from desktop.api.events import Usage
    from desktop.store import Store
    from desktop.ui.flows.answer import AnswerOutcome, AnswerStream


# Statuses whose text is part of the conversation sent back to the model.
SENDABLE = {"complete", "incomplete", "stopped", "interrupted"}
# Statuses whose saved output items (reasoning, messages with their phase) are sent
# back instead of the text; a stopped answer's items lack the text being written.
REPLAYED = {"complete", "incomplete"}


# The token counts the API's Usage and the store's MessageUsage both keep, by name.
_USAGE_FIELDS = tuple(field.name for field in fields(MessageUsage))


class HtmlCache(Protocol):
    def set_rendered_html(
        self, message_id: int, renderer_version: str | int, html: str
    ) -> None: ...


def turn_id(message_id: int) -> str:
    return f"m{message_id}"


def message_id_of(turn: str) -> int | None:
    return int(turn[1:]) if turn.startswith("m") and turn[1:].isdigit() else None


def to_usage(usage: MessageUsage | None) -> Usage | None:
    if usage is None or usage.total_tokens is None:
        return None
    from desktop.api.events import Usage

    return Usage(**{name: getattr(usage, name) or 0 for name in _USAGE_FIELDS})


def to_message_usage(usage: Usage | None) -> MessageUsage | None:
    if usage is None:
        return None
    return MessageUsage(**{name: getattr(usage, name) for name in _USAGE_FIELDS})


def total_usage(messages: list[Message]) -> Usage | None:
    total: Usage | None = None
    for message in messages:
        usage = to_usage(message.usage)
        if usage is not None:
            total = usage if total is None else total + usage
    return total


def resumable(message: Message) -> bool:
    """An interrupted answer the server may still have, from its last saved event."""
    return (
        message.role == "assistant"
        and message.status == MessageStatus.INTERRUPTED
        and message.response_id is not None
        and message.sequence_number is not None
    )


def notice_for(status: str, error: str) -> tuple[str, str]:
    """The line shown under an answer for its status, and its style."""
    if status == MessageStatus.STOPPED:
        return "Stopped.", "stopped"
    if status == MessageStatus.INTERRUPTED:
        return "This answer was interrupted when Parley closed unexpectedly.", "warn"
    if status == MessageStatus.INCOMPLETE:
        return error or "The answer was cut short.", "warn"
    if status == MessageStatus.FAILED:
        return error or "This answer failed.", "error"
    return "", ""


def cut_short_message(reason: str) -> str:
    if reason == "max_output_tokens":
        return (
            "The answer was cut short because it reached the maximum output tokens; "
            "raise the limit in Settings or ask to continue."
        )
    if reason == "content_filter":
        return "The answer was cut short by the provider's content filter."
    return f"The answer was cut short ({reason})."


def title_from(text: str, limit: int = 60) -> str:
    """A conversation's first title: the question's first line, shortened on a word."""
    line = " ".join(text.strip().split("\n", 1)[0].split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0]
    return (cut or line[:limit]) + "…"


def request_body(
    store: Store, conv_id: int, options: Mapping[str, Any]
) -> tuple[dict[str, Any], str]:
    """The request asking for the next answer in `conv_id` (every question with its
    files, and the answers worth sending back), and the model it goes to.
    Raises ValueError for options the API would refuse."""
    from desktop.api.reply import replayable
    from desktop.api.request import RequestOptions, Turn, build_request

    request_options = RequestOptions(**options)
    turns = []
    previous_id: str | None = None
    messages = store.messages(conv_id)
    with_files = store.attachment_counts([m.id for m in messages if m.role == "user"])
    answers = [m.id for m in messages if m.role == "assistant" and m.status in REPLAYED]
    saved = {} if request_options.use_previous_response_id else store.responses_data(answers)
    for message in messages:
        if message.status == MessageStatus.STREAMING:
            continue
        if message.role == "user":
            files = store.attachments(message.id) if message.id in with_files else []
            turns.append(Turn("user", message.text, tuple(files)))
        elif message.text and message.status in SENDABLE:
            data = saved.get(message.id)
            items = replayable(data.get("output")) if isinstance(data, dict) else []
            turns.append(Turn("assistant", message.text, items=tuple(items)))
            previous_id = message.response_id or previous_id
    body = build_request(turns, request_options, previous_id)
    return body, request_options.model


def turn_dict(message: Message, cache: HtmlCache | None = None) -> dict[str, Any]:
    """The page's description of one message. Answers are rendered once and the
    HTML cached in the store (keyed on the renderer's version)."""
    turn: dict[str, Any] = {
        "id": turn_id(message.id),
        "role": str(message.role),
        "version": message.version,
        "versions": message.version_count,
    }
    if message.role == "user":
        turn["text"] = message.text
        return turn
    # The renderer (markdown-it, Pygments: ~0.2 s to import) loads only when some
    # HTML is not cached yet, so a conversation rendered before opens without it.
    turn["model"] = message.model or ""
    html = message.rendered_html
    if html is None and message.text:
        from desktop.render import RENDERER_VERSION, render_markdown

        html = render_markdown(message.text)
        final = message.status != MessageStatus.STREAMING
        if cache is not None and final:
            cache.set_rendered_html(message.id, RENDERER_VERSION, html)
    turn["blocks"] = [html] if html else []
    if message.reasoning:
        from desktop.render import render_markdown

        turn["reasoning"] = [render_markdown(message.reasoning)]
    else:
        turn["reasoning"] = []
    notice, kind = notice_for(message.status, message.error or "")
    turn["notice"] = notice
    turn["noticeKind"] = kind
    return turn


def final_save(
    store: Store, stream: AnswerStream, outcome: AnswerOutcome, rendered: bool
) -> Callable[[], None]:
    """The final save of an answer, as a call that can be made again (the history may
    be locked or full). `rendered`: the render thread has drawn the whole answer, so
    its blocks are the final text's HTML (streamed equals one-shot) and are kept with
    it; opening the conversation later renders nothing on the GUI thread."""
    reply = outcome.reply
    html = None
    if rendered and outcome.text and stream.blocks:
        from desktop.render import RENDERER_VERSION

        html = (RENDERER_VERSION, "".join(stream.blocks))
    return partial(
        store.finish_message,
        stream.message_id,
        MessageStatus(outcome.status),
        text=outcome.text or outcome.refusal,
        reasoning=outcome.reasoning,
        usage=to_message_usage(outcome.usage),
        model=(reply.model if reply and reply.model else stream.model),
        response_id=(reply.response_id if reply else None) or stream.response_id,
        error=outcome.error or None,
        response=stream.record(outcome),
        rendered=html,
    )
