"""Request bodies: only what was set, the documented shape, multi-turn and validation."""

from __future__ import annotations

import pytest

from desktop.api.params import DEFAULT_MODEL
from desktop.api.request import (
    ENCRYPTED_REASONING,
    OPENAI_BASE_URL,
    RequestOptions,
    Turn,
    build_request,
    cloudflare_base_url,
    endpoint_url,
)

QUESTION = "What are the three laws of thermodynamics?"
# Asked for on every request whose context Parley builds itself (see test_phases.py).
INCLUDE = {"include": [ENCRYPTED_REASONING]}
CONVERSATION = [
    Turn("user", "I need help planning a road trip from San Francisco to Los Angeles."),
    Turn("assistant", "I'd be happy to help! Would you like suggestions for stops?"),
    Turn("user", "Yes, name three good stops in one short sentence each."),
]


def test_urls() -> None:
    assert cloudflare_base_url("abc123") == (
        "https://api.cloudflare.com/client/v4/accounts/abc123/ai/v1"
    )
    assert endpoint_url(cloudflare_base_url("abc123")).endswith("/accounts/abc123/ai/v1/responses")
    assert endpoint_url(OPENAI_BASE_URL + "/") == "https://api.openai.com/v1/responses"


def test_single_question_matches_the_documented_curl() -> None:
    body = build_request([Turn("user", QUESTION)], RequestOptions(stream=False))
    assert body == {"model": "openai/gpt-5.4-pro", "input": QUESTION, **INCLUDE}
    streamed = build_request([Turn("user", QUESTION)], RequestOptions())
    assert streamed == {"model": DEFAULT_MODEL, "input": QUESTION, "stream": True, **INCLUDE}


def test_instructions_example_key_order() -> None:
    options = RequestOptions(instructions="You are a helpful coding assistant.", stream=False)
    body = build_request([Turn("user", "How do I read a JSON file in Python?")], options)
    assert list(body) == ["model", "input", "instructions", "include"]


def test_multi_turn_sends_the_whole_conversation() -> None:
    body = build_request(CONVERSATION, RequestOptions(max_output_tokens=16000, stream=False))
    assert body == {
        "model": DEFAULT_MODEL,
        "input": [{"role": t.role, "content": t.content} for t in CONVERSATION],
        "max_output_tokens": 16000,
        **INCLUDE,
    }


def test_every_option_when_set() -> None:
    tool = {"type": "web_search"}
    options = RequestOptions(
        model="gpt-5.4",
        instructions="Be brief.",
        max_output_tokens=100,
        temperature=0.0,
        top_p=0.5,
        reasoning_effort="high",
        reasoning_summary="auto",
        text_verbosity="low",
        tools=(tool,),
        tool_choice="auto",
        max_tool_calls=3,
        store=False,
    )
    body = build_request([Turn("user", "hi")], options)
    assert body == {
        "model": "gpt-5.4",
        "input": "hi",
        "instructions": "Be brief.",
        "max_output_tokens": 100,
        "temperature": 0.0,
        "top_p": 0.5,
        "reasoning": {"effort": "high", "summary": "auto"},
        "text": {"verbosity": "low"},
        "tools": [tool],
        "tool_choice": "auto",
        "max_tool_calls": 3,
        "stream": True,
        "store": False,
        **INCLUDE,
    }


def test_reasoning_sends_only_the_part_that_was_set() -> None:
    body = build_request([Turn("user", "x")], RequestOptions(reasoning_effort="medium"))
    assert body["reasoning"] == {"effort": "medium"}


def test_previous_response_id_mode_sends_only_new_turns() -> None:
    options = RequestOptions(use_previous_response_id=True)
    body = build_request(CONVERSATION, options, previous_response_id="resp_1")
    assert body["previous_response_id"] == "resp_1"
    assert body["input"] == CONVERSATION[2].content


def test_previous_response_id_ignored_unless_enabled_or_missing() -> None:
    body = build_request(CONVERSATION, RequestOptions(), previous_response_id="resp_1")
    assert "previous_response_id" not in body and len(body["input"]) == 3
    enabled = RequestOptions(use_previous_response_id=True)
    assert "previous_response_id" not in build_request(CONVERSATION, enabled)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"temperature": 5}, "Temperature must be between 0 and 2"),
        ({"temperature": -0.1}, "Temperature"),
        ({"top_p": 1.5}, "Top P"),
        ({"max_output_tokens": 0}, "Maximum output tokens"),
        ({"max_output_tokens": 2.5}, "whole number"),
        ({"reasoning_effort": "extreme"}, "Reasoning effort"),
        ({"reasoning_summary": "long"}, "Reasoning summary"),
        ({"text_verbosity": "chatty"}, "Verbosity"),
        ({"tool_choice": "always"}, "Tool choice"),
        ({"model": " "}, "Model"),
    ],
)
def test_invalid_options_are_rejected_clearly(changes: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        RequestOptions(**changes)  # type: ignore[arg-type]


def test_bad_turns() -> None:
    with pytest.raises(ValueError, match="role"):
        Turn("robot", "hi")
    with pytest.raises(ValueError, match="at least one"):
        build_request([], RequestOptions())


def test_undeclared_parameter_is_refused() -> None:
    with pytest.raises(TypeError, match="'verbosity' is not a request parameter"):
        RequestOptions(verbosity="low")
