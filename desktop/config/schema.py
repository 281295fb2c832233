"""Every setting Parley knows, declared once: the store, validation, the settings
dialog and the per-conversation panel are all generated from `SETTINGS`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_MODEL = "openai/gpt-5.4-pro"

# Suggestions for the model combo box; any other model name may be typed.
KNOWN_MODELS: tuple[str, ...] = (
    "openai/gpt-5.4-pro",
    "openai/gpt-5.4",
    "openai/gpt-5-mini",
    "gpt-5.4-pro",
    "gpt-5.4",
    "gpt-5-mini",
    "gpt-4.1",
    "o4-mini",
)

# Section titles, in the order they appear in the dialog.
GROUP_TITLES: dict[str, str] = {
    "connection": "Connection",
    "model": "Model",
    "sampling": "Sampling",
    "reasoning": "Reasoning and output",
    "tools": "Tools",
    "requests": "Requests",
    "appearance": "Appearance",
}


@dataclass(frozen=True)
class Setting:
    """One declared setting. `optional` settings may be "not set" (None), which
    means the request leaves the field out and the model's default applies."""

    key: str
    type: type
    default: Any
    label: str
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    secret: bool = False
    group: str = "model"
    optional: bool = False
    # Choices are only suggestions (the model combo): any non-empty text is allowed.
    open_choices: bool = False
    multiline: bool = False
    # Shown in the per-conversation panel, where it can override the global value.
    per_conversation: bool = False
    # Edited by a purpose-built part of the dialog instead of a generated field.
    custom_editor: bool = False
    # Display text for choices and for the "not set" state of optional settings.
    choice_labels: tuple[tuple[str, str], ...] = ()
    unset_label: str = "Model default"
    step: float = field(default=1.0)
    # Where an optional number's editor starts when someone stops using the default.
    suggested: float | None = None

    def choice_label(self, value: str) -> str:
        return dict(self.choice_labels).get(value, value)


_REASONING_MODELS_NOTE = (
    "Reasoning models such as GPT-5.4 pro, GPT-5 and o4-mini ignore it or reject it."
)

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "active_profile",
        str,
        "cloudflare",
        "Active connection",
        "The connection profile new requests go through.",
        group="connection",
        custom_editor=True,
    ),
    Setting(
        "profiles",
        list,
        (
            {
                "id": "cloudflare",
                "name": "Cloudflare Workers AI",
                "kind": "cloudflare",
                "account_id": "",
                "base_url": "",
            },
        ),
        "Connection profiles",
        "Where requests go: Cloudflare Workers AI, OpenAI or a server of your own.",
        group="connection",
        custom_editor=True,
    ),
    Setting(
        "api_token",
        str,
        None,
        "API token",
        "The secret that authorises requests. It is kept in the system keyring, "
        "never in the settings file.",
        group="connection",
        secret=True,
        optional=True,
        custom_editor=True,
    ),
    Setting(
        "model",
        str,
        DEFAULT_MODEL,
        "Model",
        "The model that answers. Pick a suggestion or type any model name your "
        "provider offers (Cloudflare names start with \u201copenai/\u201d).",
        choices=KNOWN_MODELS,
        open_choices=True,
        per_conversation=True,
    ),
    Setting(
        "instructions",
        str,
        "",
        "Instructions",
        "A system prompt sent with every request: who the assistant is and how it "
        "should answer. Leave empty to send none.",
        multiline=True,
        per_conversation=True,
    ),
    Setting(
        "instruction_presets",
        list,
        (),
        "Instruction presets",
        "Named instructions you can switch between.",
        custom_editor=True,
    ),
    Setting(
        "temperature",
        float,
        None,
        "Temperature",
        "Randomness of the answer, 0 to 2: lower is more focused, higher more varied. "
        + _REASONING_MODELS_NOTE,
        minimum=0.0,
        maximum=2.0,
        step=0.05,
        suggested=1.0,
        group="sampling",
        optional=True,
        per_conversation=True,
    ),
    Setting(
        "top_p",
        float,
        None,
        "Top P",
        "Nucleus sampling, 0 to 1: only the most likely tokens whose probabilities add "
        "up to this share are considered. " + _REASONING_MODELS_NOTE,
        minimum=0.0,
        maximum=1.0,
        step=0.01,
        suggested=1.0,
        group="sampling",
        optional=True,
        per_conversation=True,
    ),
    Setting(
        "max_output_tokens",
        int,
        None,
        "Maximum output tokens",
        "Upper limit on the tokens of one answer, reasoning included. An answer "
        "that reaches it stops early and is marked as truncated.",
        minimum=1,
        maximum=1_000_000,
        suggested=16_000,
        group="sampling",
        optional=True,
        per_conversation=True,
    ),
    Setting(
        "reasoning_effort",
        str,
        None,
        "Reasoning effort",
        "How long a reasoning model thinks before answering. Higher effort is "
        "slower and uses more tokens. Only reasoning models use it; \u201cnone\u201d, "
        "\u201cextra high\u201d and \u201cmaximum\u201d exist only on some models "
        "(GPT-5.4 pro accepts medium, high and extra high).",
        choices=("none", "minimal", "low", "medium", "high", "xhigh", "max"),
        choice_labels=(
            ("none", "None"),
            ("minimal", "Minimal"),
            ("low", "Low"),
            ("medium", "Medium"),
            ("high", "High"),
            ("xhigh", "Extra high"),
            ("max", "Maximum"),
        ),
        group="reasoning",
        optional=True,
        per_conversation=True,
    ),
    Setting(
        "reasoning_summary",
        str,
        None,
        "Reasoning summary",
        "Ask a reasoning model for a summary of its thinking, shown above the "
        "answer. Models without reasoning ignore it; some providers send none.",
        choices=("auto", "concise", "detailed"),
        choice_labels=(("auto", "Auto"), ("concise", "Concise"), ("detailed", "Detailed")),
        unset_label="Off",
        group="reasoning",
        optional=True,
        per_conversation=True,
    ),
    Setting(
        "text_verbosity",
        str,
        None,
        "Verbosity",
        "How long and detailed the answer text should be. GPT-5 family models use "
        "it; older models such as GPT-4.1 ignore it or reject it.",
        choices=("low", "medium", "high"),
        choice_labels=(("low", "Low"), ("medium", "Medium"), ("high", "High")),
        group="reasoning",
        optional=True,
        per_conversation=True,
    ),
    Setting(
        "web_search",
        bool,
        False,
        "Web search",
        "Let the model search the web while answering. Only providers and models "
        "with the built-in web_search tool support it.",
        group="tools",
        per_conversation=True,
    ),
    Setting(
        "tool_choice",
        str,
        None,
        "Tool choice",
        "Whether the model may use tools (auto), must use one (required) or must "
        "not (none). Has no effect while no tool is enabled.",
        choices=("auto", "required", "none"),
        choice_labels=(("auto", "Auto"), ("required", "Required"), ("none", "None")),
        group="tools",
        optional=True,
        per_conversation=True,
    ),
    Setting(
        "max_tool_calls",
        int,
        None,
        "Maximum tool calls",
        "Upper limit on tool calls within one answer. Has no effect while no tool is enabled.",
        minimum=1,
        maximum=100,
        suggested=10,
        group="tools",
        optional=True,
        per_conversation=True,
    ),
    Setting(
        "image_detail",
        str,
        "auto",
        "Image detail",
        "How closely the model looks at attached images: low is faster and cheaper, "
        "high reads small text. Images are always scaled to at most 2048 pixels first.",
        choices=("auto", "low", "high"),
        choice_labels=(("auto", "Auto"), ("low", "Low"), ("high", "High")),
        group="tools",
        per_conversation=True,
    ),
    Setting(
        "stream",
        bool,
        True,
        "Stream answers",
        "Show the answer as it is written. Turn off only for servers that cannot stream.",
        group="requests",
    ),
    Setting(
        "store",
        bool,
        None,
        "Store responses on the server",
        "Whether the provider keeps responses for later retrieval. Parley sends the "
        "whole conversation each time, so it works either way.",
        choice_labels=(("true", "Yes"), ("false", "No")),
        unset_label="Provider default",
        group="requests",
        optional=True,
    ),
    Setting(
        "use_previous_response_id",
        bool,
        False,
        "Continue from the previous response",
        "Send only the new message plus the id of the last response instead of the "
        "whole conversation. Needs responses stored on the server; Cloudflare may not "
        "support it.",
        group="requests",
    ),
    Setting(
        "theme",
        str,
        "system",
        "Theme",
        "Light or dark colours, or follow the system.",
        choices=("system", "light", "dark"),
        choice_labels=(("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")),
        group="appearance",
    ),
    Setting(
        "font_size",
        int,
        15,
        "Conversation font size",
        "Text size of the conversation, in points.",
        minimum=11,
        maximum=24,
        group="appearance",
    ),
)

# Window state the app remembers between runs (QSettings in window.ini, owned by
# the main window): not settings a person edits, but declared here all the same.
STATE_KEYS: frozenset[str] = frozenset({"window/geometry", "window/splitter"})

_BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def setting(key: str) -> Setting:
    """The declaration of `key`; KeyError for a key nobody declared."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"undeclared setting {key!r}") from None


def defaults() -> dict[str, Any]:
    return {s.key: s.default for s in SETTINGS if not s.secret}


def _number_range(s: Setting) -> str:
    if s.maximum is None:
        return f"{s.label} must be at least {_fmt(s.minimum)}."
    if s.minimum is None:
        return f"{s.label} must be at most {_fmt(s.maximum)}."
    return f"{s.label} must be between {_fmt(s.minimum)} and {_fmt(s.maximum)}."


def range_message(s: Setting) -> str:
    """The sentence shown when a number is outside the declared range."""
    return _number_range(s)


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:g}"


def validate(s: Setting, value: Any) -> Any:
    """Return `value` normalised for `s`, or raise ValueError with a sentence that
    can be shown next to the field."""
    if value is None:
        if s.optional:
            return None
        raise ValueError(f"{s.label} needs a value.")
    if s.type is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{s.label} must be on or off.")
        return value
    if s.type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{s.label} must be a whole number.")
        _check_range(s, value)
        return value
    if s.type is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{s.label} must be a number.")
        if not math.isfinite(value):
            raise ValueError(_number_range(s))
        _check_range(s, value)
        return float(value)
    if s.type is str:
        if not isinstance(value, str):
            raise ValueError(f"{s.label} must be text.")
        if s.choices is not None and not s.open_choices:
            if value not in s.choices:
                options = ", ".join(s.choice_label(c) for c in s.choices)
                raise ValueError(f"{s.label} must be one of: {options}.")
            return value
        if s.open_choices:
            value = value.strip()
            if not value:
                raise ValueError(f"{s.label} cannot be empty.")
        return value
    if s.type is list:
        return _validate_list(s, value)
    raise TypeError(f"setting {s.key!r} has an unsupported type {s.type!r}")


def _check_range(s: Setting, value: float) -> None:
    if (s.minimum is not None and value < s.minimum) or (
        s.maximum is not None and value > s.maximum
    ):
        raise ValueError(_number_range(s))


def _validate_list(s: Setting, value: Any) -> tuple[dict[str, str], ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{s.label} must be a list.")
    required = {"instruction_presets": ("name", "text"), "profiles": ("id", "name", "kind")}
    fields = required.get(s.key, ())
    items: list[dict[str, str]] = []
    for item in value:
        if not isinstance(item, Mapping) or not all(isinstance(v, str) for v in item.values()):
            raise ValueError(f"Each entry of {s.label.lower()} must be a table of texts.")
        missing = [f for f in fields if not item.get(f)]
        if missing:
            raise ValueError(f"An entry of {s.label.lower()} has no {missing[0]}.")
        items.append(dict(item))
    return tuple(items)
