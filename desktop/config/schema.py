"""Every setting Parley knows, declared once: the store, validation, the settings
dialog and the per-conversation panel are all generated from `SETTINGS`. Request
parameters are declared in `desktop.api.params` (the request body and `parley ask`
read them there too); their settings entries are derived from those declarations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from desktop.api.params import KNOWN_MODELS, PARAMS, Declaration, Param, range_message
from desktop.api.params import validate as validate_scalar

__all__ = ["KNOWN_MODELS", "range_message"]

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


@dataclass(frozen=True, kw_only=True)
class Setting(Declaration):
    """One declared setting."""

    secret: bool = False
    # Edited by a purpose-built part of the dialog instead of a generated field.
    custom_editor: bool = False
    # The request parameter this setting is (None for settings of the app itself).
    param: Param | None = None


def _from_param(p: Param) -> Setting:
    """The settings entry of a request parameter: the declaration's shared fields."""
    return Setting(**{f.name: getattr(p, f.name) for f in fields(Declaration)}, param=p)


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
    *(_from_param(p) for p in PARAMS),
    Setting(
        "instruction_presets",
        list,
        (),
        "Instruction presets",
        "Named instructions you can switch between.",
        custom_editor=True,
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


def validate(s: Setting, value: Any) -> Any:
    """Return `value` normalised for `s`, or raise ValueError with a sentence that
    can be shown next to the field."""
    if s.type is list and value is not None:
        return _validate_list(s, value)
    return validate_scalar(s, value)


def _validate_list(s: Setting, value: Any) -> tuple[dict[str, str | bool], ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{s.label} must be a list.")
    required = {"instruction_presets": ("name", "text"), "profiles": ("id", "name", "kind")}
    fields = required.get(s.key, ())
    items: list[dict[str, str | bool]] = []
    for item in value:
        # Texts, and true/false for a switch (a profile's `keep_running`).
        if not isinstance(item, Mapping) or not all(
            isinstance(v, str | bool) for v in item.values()
        ):
            raise ValueError(f"Each entry of {s.label.lower()} must be a table of texts.")
        missing = [f for f in fields if not item.get(f)]
        if missing:
            raise ValueError(f"An entry of {s.label.lower()} has no {missing[0]}.")
        items.append(dict(item))
    return tuple(items)
