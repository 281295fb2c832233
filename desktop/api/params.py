"""Every request parameter a person can set, declared once in `PARAMS`: its settings key,
where it goes in the request body, type, range or choices, default, label, help and
`parley ask` flag. The request body and its validation (request.py), the settings store,
dialog and per-conversation panel (config/schema.py) and `parley ask`'s flags and
`--help` (cli.py) are all derived from it, so adding a parameter is one entry here.

It imports nothing heavy: the settings read it at start-up."""

from __future__ import annotations

import math
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Declaration:
    """What every declared setting has, request parameter or not: `optional` ones may
    be "not set" (None), which for a parameter means the body leaves its field out and
    the model's default applies."""

    key: str
    type: type
    default: Any
    label: str
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    # Display text for choices and for the "not set" state of optional settings.
    choice_labels: tuple[tuple[str, str], ...] = ()
    unset_label: str = "Model default"
    # Choices are only suggestions (the model combo): any non-empty text is allowed.
    open_choices: bool = False
    optional: bool = False
    # Where the settings dialog shows it, and whether a conversation may override it
    # (in the per-conversation panel).
    group: str = "model"
    per_conversation: bool = False
    multiline: bool = False
    step: float = 1.0
    # Where an optional number's editor starts when someone stops using the default.
    suggested: float | None = None

    def choice_label(self, value: str) -> str:
        return dict(self.choice_labels).get(value, value)


@dataclass(frozen=True, kw_only=True)
class Param(Declaration):
    """One request parameter: a declaration and how it reaches the request."""

    # Dotted path of the field in the request body ("reasoning.effort"); None for a
    # parameter that shapes the request another way (`tool`, the input's form).
    field: str | None = None
    # `parley ask`'s option (None: not offered there), its metavar and, where the
    # label does not say it, its one-line help.
    flag: str | None = None
    metavar: str = ""
    flag_help: str = ""
    # A switch that, when on, adds this built-in tool to the body's `tools`.
    tool: str | None = None
    # False for a switch whose "off" is every server's default and is not sent.
    send_false: bool = True


_REASONING_MODELS_NOTE = (
    "Reasoning models such as GPT-5.4 pro, GPT-5 and o4-mini ignore it or reject it."
)

PARAMS: tuple[Param, ...] = (
    Param(
        "model",
        str,
        DEFAULT_MODEL,
        "Model",
        "The model that answers. Pick a suggestion or type any model name your "
        "provider offers (Cloudflare names start with \u201copenai/\u201d).",
        field="model",
        choices=KNOWN_MODELS,
        open_choices=True,
        per_conversation=True,
        flag="--model",
        metavar="M",
    ),
    Param(
        "instructions",
        str,
        "",
        "Instructions",
        "A system prompt sent with every request: who the assistant is and how it "
        "should answer. Leave empty to send none.",
        field="instructions",
        multiline=True,
        per_conversation=True,
        flag="--instructions",
        metavar="TEXT",
        flag_help="System-level instructions",
    ),
    Param(
        "temperature",
        float,
        None,
        "Temperature",
        "Randomness of the answer, 0 to 2: lower is more focused, higher more varied. "
        + _REASONING_MODELS_NOTE,
        field="temperature",
        minimum=0.0,
        maximum=2.0,
        step=0.05,
        suggested=1.0,
        group="sampling",
        optional=True,
        per_conversation=True,
        flag="--temperature",
        metavar="T",
    ),
    Param(
        "top_p",
        float,
        None,
        "Top P",
        "Nucleus sampling, 0 to 1: only the most likely tokens whose probabilities add "
        "up to this share are considered. " + _REASONING_MODELS_NOTE,
        field="top_p",
        minimum=0.0,
        maximum=1.0,
        step=0.01,
        suggested=1.0,
        group="sampling",
        optional=True,
        per_conversation=True,
        flag="--top-p",
        metavar="P",
    ),
    Param(
        "max_output_tokens",
        int,
        None,
        "Maximum output tokens",
        "Upper limit on the tokens of one answer, reasoning included. An answer "
        "that reaches it stops early and is marked as truncated.",
        field="max_output_tokens",
        minimum=1,
        maximum=1_000_000,
        suggested=16_000,
        group="sampling",
        optional=True,
        per_conversation=True,
        flag="--max-output-tokens",
        metavar="N",
    ),
    Param(
        "reasoning_effort",
        str,
        None,
        "Reasoning effort",
        "How long a reasoning model thinks before answering. Higher effort is "
        "slower and uses more tokens. Only reasoning models use it; \u201cnone\u201d, "
        "\u201cextra high\u201d and \u201cmaximum\u201d exist only on some models "
        "(GPT-5.4 pro accepts medium, high and extra high).",
        field="reasoning.effort",
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
        flag="--reasoning-effort",
        metavar="E",
    ),
    Param(
        "reasoning_summary",
        str,
        None,
        "Reasoning summary",
        "Ask a reasoning model for a summary of its thinking, shown above the "
        "answer. Models without reasoning ignore it; some providers send none.",
        field="reasoning.summary",
        choices=("auto", "concise", "detailed"),
        choice_labels=(("auto", "Auto"), ("concise", "Concise"), ("detailed", "Detailed")),
        unset_label="Off",
        group="reasoning",
        optional=True,
        per_conversation=True,
        flag="--reasoning-summary",
        metavar="S",
    ),
    Param(
        "text_verbosity",
        str,
        None,
        "Verbosity",
        "How long and detailed the answer text should be. GPT-5 family models use "
        "it; older models such as GPT-4.1 ignore it or reject it.",
        field="text.verbosity",
        choices=("low", "medium", "high"),
        choice_labels=(("low", "Low"), ("medium", "Medium"), ("high", "High")),
        group="reasoning",
        optional=True,
        per_conversation=True,
        flag="--verbosity",
        metavar="V",
    ),
    Param(
        "web_search",
        bool,
        False,
        "Web search",
        "Let the model search the web while answering. Only providers and models "
        "with the built-in web_search tool support it.",
        group="tools",
        per_conversation=True,
        tool="web_search",
    ),
    Param(
        "tool_choice",
        str,
        None,
        "Tool choice",
        "Whether the model may use tools (auto), must use one (required) or must "
        "not (none). Has no effect while no tool is enabled.",
        field="tool_choice",
        choices=("auto", "required", "none"),
        choice_labels=(("auto", "Auto"), ("required", "Required"), ("none", "None")),
        group="tools",
        optional=True,
        per_conversation=True,
    ),
    Param(
        "max_tool_calls",
        int,
        None,
        "Maximum tool calls",
        "Upper limit on tool calls within one answer. Has no effect while no tool is enabled.",
        field="max_tool_calls",
        minimum=1,
        maximum=100,
        suggested=10,
        group="tools",
        optional=True,
        per_conversation=True,
    ),
    Param(
        "stream",
        bool,
        True,
        "Stream answers",
        "Show the answer as it is written. Turn off only for servers that cannot stream.",
        field="stream",
        group="requests",
        flag="--no-stream",
        flag_help="Wait for the whole answer instead of streaming it",
        send_false=False,
    ),
    Param(
        "store",
        bool,
        None,
        "Store responses on the server",
        "Whether the provider keeps responses for later retrieval. Parley sends the "
        "whole conversation each time, so it works either way.",
        field="store",
        choice_labels=(("true", "Yes"), ("false", "No")),
        unset_label="Provider default",
        group="requests",
        optional=True,
    ),
    Param(
        "use_previous_response_id",
        bool,
        False,
        "Continue from the previous response",
        "Send only the new message plus the id of the last response instead of the "
        "whole conversation. Needs responses stored on the server; Cloudflare may not "
        "support it.",
        group="requests",
    ),
)

BY_KEY: dict[str, Param] = {p.key: p for p in PARAMS}


def flag_help(p: Param) -> str:
    """`parley ask --help`'s line for a parameter: its label and what it accepts."""
    if p.flag_help:
        return p.flag_help
    if p.choices is not None and p.open_choices:
        return f"{p.label} (default {p.default})"
    if p.choices is not None:
        return f"{p.label}: {', '.join(p.choices)}"
    if p.minimum is not None and p.maximum is not None:
        return f"{p.label}, {_fmt(p.minimum)} to {_fmt(p.maximum)}"
    return p.label


def range_message(s: Declaration) -> str:
    """The sentence shown when a number is outside the declared range."""
    if s.maximum is None:
        return f"{s.label} must be at least {_fmt(s.minimum)}."
    if s.minimum is None:
        return f"{s.label} must be at most {_fmt(s.maximum)}."
    return f"{s.label} must be between {_fmt(s.minimum)} and {_fmt(s.maximum)}."


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:g}"


def validate(s: Declaration, value: Any) -> Any:
    """`value` normalised for a declared scalar (bool, int, float or str), or ValueError
    with a sentence that can be shown next to its field or on the command line."""
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
            raise ValueError(range_message(s))
        _check_range(s, value)
        return float(value)
    if s.type is str:
        return _validate_text(s, value)
    raise TypeError(f"{s.label} has an unsupported type {s.type!r}")


def _validate_text(s: Declaration, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{s.label} must be text.")
    if s.open_choices:
        text = value.strip()
        if not text:
            raise ValueError(f"{s.label} cannot be empty.")
        return text
    if s.choices is not None and value not in s.choices:
        options = ", ".join(s.choice_label(c) for c in s.choices)
        raise ValueError(f"{s.label} must be one of: {options}.")
    return value


def _check_range(s: Declaration, value: float) -> None:
    if (s.minimum is not None and value < s.minimum) or (
        s.maximum is not None and value > s.maximum
    ):
        raise ValueError(range_message(s))
