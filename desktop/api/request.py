"""Build the JSON body of a Responses API request from a conversation and its settings.

Only what the person set is sent, so each provider's own defaults apply otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from desktop.api.attachments import Attachment, user_content
from desktop.api.params import BY_KEY, PARAMS, Param, validate

OPENAI_BASE_URL = "https://api.openai.com/v1"
CLOUDFLARE_BASE_URL = "https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/v1"

ROLES = ("user", "assistant", "developer", "system")
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


@dataclass(frozen=True, init=False)
class RequestOptions:
    """The settings of one request: a checked value for every declared parameter
    (`desktop.api.params.PARAMS`, read as attributes: `options.model`), and tool
    definitions sent besides those the parameters switch on."""

    values: Mapping[str, Any]
    tools: tuple[dict[str, Any], ...] = field(default=())

    def __init__(self, tools: Iterable[Mapping[str, Any]] = (), **values: Any) -> None:
        unknown = sorted(set(values) - BY_KEY.keys())
        if unknown:
            raise TypeError(f"{unknown[0]!r} is not a request parameter")
        checked = {p.key: validate(p, values.get(p.key, p.default)) for p in PARAMS}
        object.__setattr__(self, "values", MappingProxyType(checked))
        object.__setattr__(self, "tools", tuple(dict(tool) for tool in tools))

    def __getattr__(self, name: str) -> Any:
        # Called only for names that are not fields: the declared parameters.
        values = self.__dict__.get("values")
        if values is None or name not in values:
            raise AttributeError(name)
        return values[name]


def _sent(p: Param, value: Any) -> bool:
    """Whether a parameter's value goes into the body: only what the person set."""
    if value is None or (value is False and not p.send_false):
        return False
    return not (p.type is str and value == "")


def _put(body: dict[str, Any], path: str, value: Any) -> None:
    *parents, name = path.split(".")
    for parent in parents:
        body = body.setdefault(parent, {})
    body[name] = value


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
    tools = [dict(tool) for tool in options.tools]
    for p in PARAMS:
        value = options.values[p.key]
        if p.tool is not None:
            if value:
                tools.append({"type": p.tool})
        elif p.field is not None and _sent(p, value):
            _put(body, p.field, value)
    if tools:
        body["tools"] = tools
    if continued and "previous_response_id" not in body:
        body["include"] = [ENCRYPTED_REASONING]
    return body
