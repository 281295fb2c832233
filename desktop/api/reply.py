"""The Reply (what the model said) and its Usage, read from a Response object.

Frozen values shared by the stream accumulator, the client, the CLI and the GUI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop.api.tools import Citation, ToolActivity, ToolLog, activity_from_item, citations_in

REASONING_PARAGRAPH = "\n\n"  # between reasoning summary parts, as OpenAI's UI shows them
# Between the texts of two message items of one phase: each is its own paragraph, never
# glued to the next ("…figures first.Workers AI…").
MESSAGE_BREAK = "\n\n"
COMMENTARY = "commentary"  # a message's `phase` for a preamble before tool calls
# Output item types sent back in the next request's input, so the model keeps its
# reasoning and sees each message's phase (with `store: false` nothing is kept on the
# server). Client-side calls are not: Parley never answers them.
REPLAYED_ITEMS = frozenset({"reasoning", "message", "web_search_call", "file_search_call"})


def int_field(obj: Mapping[str, Any] | None, key: str) -> int:
    value = obj.get(key) if isinstance(obj, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one response (or, added up, of a conversation)."""

    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    total_tokens: int = 0

    @classmethod
    def from_json(cls, obj: Mapping[str, Any] | None) -> Usage:
        if not isinstance(obj, Mapping):
            return cls()
        input_tokens = int_field(obj, "input_tokens")
        output_tokens = int_field(obj, "output_tokens")
        return cls(
            input_tokens=input_tokens,
            cached_tokens=int_field(obj.get("input_tokens_details"), "cached_tokens"),
            output_tokens=output_tokens,
            reasoning_tokens=int_field(obj.get("output_tokens_details"), "reasoning_tokens"),
            total_tokens=int_field(obj, "total_tokens") or input_tokens + output_tokens,
        )

    def __add__(self, other: Usage) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        return Usage(
            self.input_tokens + other.input_tokens,
            self.cached_tokens + other.cached_tokens,
            self.output_tokens + other.output_tokens,
            self.reasoning_tokens + other.reasoning_tokens,
            self.total_tokens + other.total_tokens,
        )


@dataclass(frozen=True, slots=True)
class Reply:
    """What the model said, as far as it has arrived."""

    text: str = ""
    reasoning: str = ""
    refusal: str = ""
    usage: Usage | None = None
    status: str = "in_progress"
    incomplete_reason: str | None = None
    response_id: str | None = None
    model: str | None = None
    citations: tuple[Citation, ...] = ()  # sources cited, in order of first citation
    tool_calls: tuple[ToolActivity, ...] = ()  # built-in tools run, last state of each
    commentary: str = ""  # messages of phase "commentary": preambles, not the answer
    # The output items as the server sent them, in order, to be replayed byte for byte
    # in the next request (see `replayable`).
    output: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def from_response(cls, obj: Mapping[str, Any]) -> Reply:
        """Read a (non-streamed) Response object; unknown fields are ignored."""
        final = _Phase()
        commentary = _Phase()
        reasoning: list[str] = []
        refusals: list[str] = []
        tools = ToolLog()
        items = _dicts(obj.get("output"))
        for item in items:
            if item.get("type") == "reasoning":
                parts = [*_dicts(item.get("summary")), *_dicts(item.get("content"))]
                reasoning += [str(p.get("text") or "") for p in parts if p.get("text")]
            elif item.get("type") == "message":
                phase = commentary if item.get("phase") == COMMENTARY else final
                phase.new_message()
                for part in _dicts(item.get("content")):
                    if part.get("type") == "output_text":
                        text = str(part.get("text") or "")
                        if phase is final:  # citations index `Reply.text`
                            for found in citations_in(part.get("annotations")):
                                tools.cite(found, phase.offset)
                        phase.add(text)
                    elif part.get("type") == "refusal":
                        refusals.append(str(part.get("refusal") or ""))
            elif (activity := activity_from_item(item)) is not None:
                tools.update(activity)
        details = obj.get("incomplete_details")
        reason = details.get("reason") if isinstance(details, Mapping) else None
        usage = obj.get("usage")
        return cls(
            text=final.text(),
            reasoning=REASONING_PARAGRAPH.join(reasoning),
            refusal="".join(refusals),
            usage=Usage.from_json(usage) if isinstance(usage, Mapping) else None,
            status=str(obj.get("status") or "completed"),
            incomplete_reason=str(reason) if reason else None,
            response_id=str_or_none(obj.get("id")),
            model=str_or_none(obj.get("model")),
            citations=tools.citations(),
            tool_calls=tools.calls(),
            commentary=commentary.text(),
            output=tuple(items),
        )

    def replayable(self) -> list[Mapping[str, Any]]:
        """The output items to send back as input, exactly as received."""
        return replayable(self.output)


def replayable(output: Any) -> list[Mapping[str, Any]]:
    """The items of an answer's output (as received, or as saved) to send back as
    input. Reasoning items are kept only with their `encrypted_content`: with
    `store: false` the server cannot look one up by id, and would reject the request.
    Without any message item there is nothing that carries the answer's text, so
    nothing is returned and the answer is sent as plain text instead."""
    items = [
        item
        for item in _dicts(output)
        if item.get("type") in REPLAYED_ITEMS
        and (item.get("type") != "reasoning" or isinstance(item.get("encrypted_content"), str))
    ]
    return items if any(item.get("type") == "message" for item in items) else []


class _Phase:
    """The text of one phase's messages: parts of a message joined as they are,
    messages separated by a paragraph break."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.offset = 0  # length of the text so far
        self._fresh = False

    def new_message(self) -> None:
        self._fresh = bool(self.pieces)

    def add(self, text: str) -> None:
        if not text:
            return
        if self._fresh:
            self.pieces.append(MESSAGE_BREAK)
            self.offset += len(MESSAGE_BREAK)
            self._fresh = False
        self.pieces.append(text)
        self.offset += len(text)

    def text(self) -> str:
        return "".join(self.pieces)


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list | tuple) else []


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
