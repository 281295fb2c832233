"""The schema is complete and its validation refuses what the dialog must refuse."""

from __future__ import annotations

import math

import pytest

from desktop.config.schema import GROUP_TITLES, KNOWN_MODELS, SETTINGS, setting, validate

REQUIRED_KEYS = {
    "active_profile",
    "profiles",
    "api_token",
    "model",
    "instructions",
    "instruction_presets",
    "temperature",
    "top_p",
    "max_output_tokens",
    "reasoning_effort",
    "reasoning_summary",
    "text_verbosity",
    "stream",
    "store",
    "use_previous_response_id",
    "theme",
    "font_size",
    "web_search",
    "tool_choice",
    "max_tool_calls",
}


def test_every_required_setting_is_declared_once() -> None:
    keys = [s.key for s in SETTINGS]
    assert len(keys) == len(set(keys))
    assert set(keys) >= REQUIRED_KEYS


@pytest.mark.parametrize("s", SETTINGS, ids=lambda s: s.key)
def test_declaration_is_consistent(s) -> None:  # type: ignore[no-untyped-def]
    assert s.label and s.help.endswith(".")
    assert s.group in GROUP_TITLES
    # A default must pass its own validation; optional settings default to "not set".
    assert validate(s, s.default) == s.default or s.type is list
    if s.optional:
        assert s.default is None
    if s.choices is not None and not s.open_choices and s.default is not None:
        assert s.default in s.choices


def test_defaults_match_the_brief() -> None:
    assert setting("model").default == "openai/gpt-5.4-pro"
    assert setting("model").choices == KNOWN_MODELS
    assert setting("stream").default is True
    assert setting("use_previous_response_id").default is False
    assert setting("web_search").default is False
    assert setting("font_size").default == 15
    assert setting("theme").choices == ("system", "light", "dark")
    assert setting("reasoning_effort").choices == (
        "none",
        "minimal",
        "low",
        "medium",
        "high",
        "xhigh",
        "max",
    )
    assert setting("reasoning_summary").unset_label == "Off"
    assert setting("api_token").secret


def test_hover_text_names_models_that_ignore_sampling() -> None:
    for key in ("temperature", "top_p"):
        assert "GPT-5.4 pro" in setting(key).help
    assert "some models" in setting("reasoning_effort").help


def test_undeclared_key_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        setting("no_such_setting")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("temperature", 0.0),
        ("temperature", 2.0),
        ("temperature", 1),
        ("top_p", 1.0),
        ("max_output_tokens", 1),
        ("font_size", 11),
        ("font_size", 24),
        ("reasoning_effort", "xhigh"),
        ("reasoning_effort", "max"),
        ("model", "my-local-model"),
    ],
)
def test_values_in_range_pass(key: str, value: object) -> None:
    assert validate(setting(key), value) == value


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("temperature", 2.01, "between 0 and 2"),
        ("temperature", -0.1, "between 0 and 2"),
        ("temperature", math.nan, "between 0 and 2"),
        ("temperature", "hot", "must be a number"),
        ("top_p", 1.5, "between 0 and 1"),
        ("max_output_tokens", 0, "between 1 and 1,000,000"),
        ("max_output_tokens", 2.5, "whole number"),
        ("font_size", 10, "between 11 and 24"),
        ("font_size", 25, "between 11 and 24"),
        ("font_size", True, "whole number"),
        ("reasoning_effort", "extreme", "must be one of"),
        ("theme", "blue", "must be one of"),
        ("stream", "yes", "on or off"),
        ("stream", None, "needs a value"),
        ("model", "   ", "cannot be empty"),
        ("instruction_presets", [{"name": "", "text": "x"}], "has no name"),
    ],
)
def test_invalid_values_raise_a_sentence(key: str, value: object, words: str) -> None:
    with pytest.raises(ValueError, match=words) as info:
        validate(setting(key), value)
    message = str(info.value)
    assert message[0].isupper() and message.endswith(".")


def test_optional_values_accept_not_set() -> None:
    for s in SETTINGS:
        if s.optional:
            assert validate(s, None) is None


def test_model_name_is_trimmed() -> None:
    assert validate(setting("model"), "  gpt-4.1 ") == "gpt-4.1"
