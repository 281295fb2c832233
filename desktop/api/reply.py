"""The Reply (what the model said) and its Usage, read from a Response object.

Frozen values shared by the stream accumulator, the client, the CLI and the GUI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop.api.tools import Citation, ToolActivity, ToolLog, activity_from_item, url_citations

REASONING_PARAGRAPH = "\n\n"  # between reasoning summary parts, as OpenAI's UI shows them


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

    @classmethod
    def from_response(cls, obj: Mapping[str, Any]) -> Reply:
        """Read a (non-streamed) Response object; unknown fields are ignored."""
        texts: list[str] = []
        reasoning: list[str] = []
        refusals: list[str] = []
        tools = ToolLog()
        offset = 0  # citations index the joined text, as `Reply.text` is joined
        for item in _dicts(obj.get("output")):
            if item.get("type") == "reasoning":
                parts = [*_dicts(item.get("summary")), *_dicts(item.get("content"))]
                reasoning += [str(p.get("text") or "") for p in parts if p.get("text")]
            elif item.get("type") == "message":
                for part in _dicts(item.get("content")):
                    if part.get("type") == "output_text":
                        text = str(part.get("text") or "")
                        for title, url, start, end in url_citations(part.get("annotations")):
                            tools.cite(title, url, start + offset, end + offset)
                        texts.append(text)
                        offset += len(text)
                    elif part.get("type") == "refusal":
                        refusals.append(str(part.get("refusal") or ""))
            elif (activity := activity_from_item(item)) is not None:
                tools.update(activity)
        details = obj.get("incomplete_details")
        reason = details.get("reason") if isinstance(details, Mapping) else None
        usage = obj.get("usage")
        return cls(
            text="".join(texts),
            reasoning=REASONING_PARAGRAPH.join(reasoning),
            refusal="".join(refusals),
            usage=Usage.from_json(usage) if isinstance(usage, Mapping) else None,
            status=str(obj.get("status") or "completed"),
            incomplete_reason=str(reason) if reason else None,
            response_id=str_or_none(obj.get("id")),
            model=str_or_none(obj.get("model")),
            citations=tools.citations(),
            tool_calls=tools.calls(),
        )


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
