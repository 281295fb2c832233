"""Build the JSON body of a Responses API request from a conversation and its settings.

Only what the person set is sent, so each provider's own defaults apply otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.api.attachments import Attachment, user_content

DEFAULT_MODEL = "openai/gpt-5.4-pro"
OPENAI_BASE_URL = "https://api.openai.com/v1"
CLOUDFLARE_BASE_URL = "https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/v1"

ROLES = ("user", "assistant", "developer", "system")
REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
REASONING_SUMMARIES = ("auto", "concise", "detailed")
VERBOSITIES = ("low", "medium", "high")
TOOL_CHOICES = ("auto", "none", "required")
# Asked for whenever Parley sends the whole conversation itself: the reasoning items come
# back encrypted, and are sent back with the next question, so the model keeps its train
# of thought between turns although the server stores nothing (`store: false`).
ENCRYPTED_REASONING = "reasoning.encrypted_content"


def cloudflare_base_url(account_id: str) -> str:
    return CLOUDFLARE_BASE_URL.format(account_id=account_id.strip())


def endpoint_url(base_url: str) -> str:
    return base_url.rstrip("/") + "/responses"


@dataclass(frozen=True)
class Turn:
    """One message of the conversation as sent to the model; only questions carry
    attachments. An answer may carry the output `items` the server sent for it
    (reasoning, messages with their `phase`); they are then sent instead of its text,
    exactly as received."""

    role: str
    content: str
    attachments: tuple[Attachment, ...] = ()
    items: tuple[Mapping[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {self.role!r}")
        if self.attachments and self.role != "user":
            raise ValueError("only user messages can have attachments")
        if self.items and self.role != "assistant":
            raise ValueError("only answers can carry output items")
        if not isinstance(self.attachments, tuple):
            object.__setattr__(self, "attachments", tuple(self.attachments))
        if not isinstance(self.items, tuple):
            object.__setattr__(self, "items", tuple(self.items))

    def input_items(self) -> list[Mapping[str, Any]]:
        """The answer's own output items, or one `{role, content}` item: plain text, or
        parts when files are attached."""
        if self.items:
            return list(self.items)
        if not self.attachments:
            return [{"role": self.role, "content": self.content}]
        return [{"role": self.role, "content": user_content(self.content, self.attachments)}]


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def _check_range(name: str, value: float | None, low: float, high: float) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}, not {value!r}")


@dataclass(frozen=True)
class RequestOptions:
    """The settings of one request; `None` means "not set, use the server's default"."""

    model: str = DEFAULT_MODEL
    instructions: str | None = None
    max_output_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    reasoning_effort: str | None = None
    reasoning_summary: str | None = None
    verbosity: str | None = None
    tools: tuple[dict[str, Any], ...] = ()
    tool_choice: str | None = None
    max_tool_calls: int | None = None
    stream: bool = True
    store: bool | None = None
    use_previous_response_id: bool = False

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ValueError("model must not be empty")
        _check_range("temperature", self.temperature, 0, 2)
        _check_range("top_p", self.top_p, 0, 1)
        for name in ("max_output_tokens", "max_tool_calls"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{name} must be a whole number, not {value!r}")
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1, not {value!r}")
        _check_choice("reasoning effort", self.reasoning_effort, REASONING_EFFORTS)
        _check_choice("reasoning summary", self.reasoning_summary, REASONING_SUMMARIES)
        _check_choice("verbosity", self.verbosity, VERBOSITIES)
        _check_choice("tool_choice", self.tool_choice, TOOL_CHOICES)


def _input(turns: Sequence[Turn]) -> str | list[Mapping[str, Any]]:
    # A lone user question is sent as a plain string, exactly as Cloudflare's documented
    # curl examples do; it means the same as a one-item list, and a byte-for-byte match
    # with the documented request is the surest way to work on every gateway. Anything
    # longer is the whole conversation as {role, content} items, so multi-turn works
    # with `store: false` (no server-side state). Attachments need content parts, which
    # only the item form can carry.
    if len(turns) == 1 and turns[0].role == "user" and not turns[0].attachments:
        return turns[0].content
    return [item for t in turns for item in t.input_items()]


def build_request(
    turns: Sequence[Turn],
    options: RequestOptions,
    previous_response_id: str | None = None,
    *,
    continued: bool = True,
) -> dict[str, Any]:
    """The request body; fields the person did not set are left out. `continued=False`
    says no later turn will follow (`parley ask`), so no reasoning is asked back."""
    if not turns:
        raise ValueError("a request needs at least one message")
    sent: Sequence[Turn] = turns
    body: dict[str, Any] = {"model": options.model}
    if options.use_previous_response_id and previous_response_id:
        # The server already holds everything up to its last answer; send what follows.
        last_answer = max((i for i, t in enumerate(turns) if t.role == "assistant"), default=-1)
        sent = turns[last_answer + 1 :]
        if not sent:
            raise ValueError("nothing new to send after the last answer")
    body["input"] = _input(sent)
    if options.use_previous_response_id and previous_response_id:
        body["previous_response_id"] = previous_response_id
    if options.instructions:
        body["instructions"] = options.instructions
    if options.max_output_tokens is not None:
        body["max_output_tokens"] = options.max_output_tokens
    if options.temperature is not None:
        body["temperature"] = options.temperature
    if options.top_p is not None:
        body["top_p"] = options.top_p
    reasoning = {
        key: value
        for key, value in (
            ("effort", options.reasoning_effort),
            ("summary", options.reasoning_summary),
        )
        if value is not None
    }
    if reasoning:
        body["reasoning"] = reasoning
    if options.verbosity is not None:
        body["text"] = {"verbosity": options.verbosity}
    if options.tools:
        body["tools"] = [dict(tool) for tool in options.tools]
    if options.tool_choice is not None:
        body["tool_choice"] = options.tool_choice
    if options.max_tool_calls is not None:
        body["max_tool_calls"] = options.max_tool_calls
    if options.stream:
        body["stream"] = True
    if options.store is not None:
        body["store"] = options.store
    if continued and "previous_response_id" not in body:
        body["include"] = [ENCRYPTED_REASONING]
    return body
