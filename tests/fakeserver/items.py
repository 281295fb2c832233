"""Response objects and output items of the fake server, shaped as openai-python's types
(`Response`, `ResponseReasoningItem`, `ResponseOutputMessage` with its `phase`,
`ResponseOutputText` with its annotations) and Cloudflare's examples."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tests.fakeserver.tools import (
    FILE_NOTES,
    find_in_page_item,
    url_annotations,
    web_search_item,
)

if TYPE_CHECKING:
    from tests.fakeserver.scenarios import Scenario

MODEL_SNAPSHOT = "gpt-5.4-pro-2026-03-05"


def usage_object(scenario: Scenario) -> dict[str, Any]:
    u = scenario.usage
    return {
        "input_tokens": u["input"],
        "input_tokens_details": {"cached_tokens": u["cached"]},
        "output_tokens": u["output"],
        "output_tokens_details": {"reasoning_tokens": u["reasoning"]},
        "total_tokens": u["input"] + u["output"],
    }


def response_object(
    scenario: Scenario,
    request_body: Any,
    status: str = "completed",
    output: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A full Response object shaped like Cloudflare's examples (extra fields included)."""
    body = request_body if isinstance(request_body, dict) else {}
    now = int(time.time())
    if output is None:
        output = output_items(scenario, request_body)
    incomplete = {"reason": "max_output_tokens"} if status == "incomplete" else None
    return {
        "background": False,
        "billing": {"payer": "developer"},
        "completed_at": now if status == "completed" else None,
        "created_at": now,
        "error": None,
        "gatewayMetadata": {"keySource": "Unified"},
        "id": "resp_fake0001",
        "incomplete_details": incomplete,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "metadata": {},
        "model": MODEL_SNAPSHOT,
        "object": "response",
        "output": output,
        "previous_response_id": body.get("previous_response_id"),
        "reasoning": {"effort": "medium", "summary": None},
        "status": status,
        "store": False,
        "temperature": body.get("temperature", 1),
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_p": body.get("top_p", 0.98),
        "truncation": "disabled",
        "usage": usage_object(scenario) if status != "in_progress" else None,
        "user": None,
    }


def output_items(scenario: Scenario, request_body: Any, text: str | None = None) -> list[Any]:
    """The finished output items, in the order they were streamed."""
    output = [reasoning_item(scenario, True, request_body)]
    if scenario.commentary:
        output.append(commentary_item(scenario, True))
    output += tool_items(scenario, done=True)
    output.append(
        message_item(scenario.with_(answer=scenario.answer if text is None else text), True)
    )
    return output


def encrypted_reasoning(request_body: Any) -> str | None:
    """Opaque reasoning state, as `include: ["reasoning.encrypted_content"]` asks; it
    differs per request (by the number of input items), as real ciphertext does."""
    body = request_body if isinstance(request_body, dict) else {}
    if "reasoning.encrypted_content" not in (body.get("include") or ()):
        return None
    items = body.get("input")
    turn = len(items) if isinstance(items, list) else 1
    return f"gAAAAABfake-encrypted-reasoning-{turn:04d}=="


def reasoning_item(scenario: Scenario, done: bool, request_body: Any = None) -> dict[str, Any]:
    summary = [{"type": "summary_text", "text": scenario.reasoning}] if done else []
    item: dict[str, Any] = {"id": "rs_fake0001", "type": "reasoning", "summary": summary}
    encrypted = encrypted_reasoning(request_body)
    if done and encrypted is not None:
        item["encrypted_content"] = encrypted
    return item


def tool_items(scenario: Scenario, done: bool) -> list[dict[str, Any]]:
    if scenario.kind != "web_search":
        return []
    items = [web_search_item(scenario.search_query, done)]
    if scenario.commentary:  # the richer turn also looks inside the page it opened
        items.append(find_in_page_item(done))
    return items


def annotations_of(scenario: Scenario, text: str) -> list[dict[str, Any]]:
    if scenario.kind == "files":
        return [dict(note) for note in FILE_NOTES]
    return url_annotations(text) if scenario.kind == "web_search" else []


def commentary_item(scenario: Scenario, done: bool) -> dict[str, Any]:
    item = message_item(scenario.with_(answer=scenario.commentary, kind="normal"), done)
    return {**item, "id": "msg_fake_commentary", "phase": "commentary"}


def message_item(scenario: Scenario, done: bool, refusal: bool = False) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if done and refusal:
        content = [{"type": "refusal", "refusal": scenario.answer}]
    elif done:
        content = [
            {
                "type": "output_text",
                "annotations": annotations_of(scenario, scenario.answer),
                "logprobs": [],
                "text": scenario.answer,
            }
        ]
    return {
        "id": "msg_fake0001",
        "type": "message",
        "status": "completed" if done else "in_progress",
        "role": "assistant",
        "phase": "final_answer",
        "content": content,
    }
