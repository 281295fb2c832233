"""Built-in tool traffic for the fake server: a web search call and the citations it yields.

Shapes follow openai-python's `ResponseFunctionWebSearch`, the
`response.web_search_call.*` events and `url_citation` annotations.
"""

from __future__ import annotations

import re
from typing import Any

WEB_SEARCH_ID = "ws_fake0001"
WEB_SEARCH_QUERY = "Parley desktop client release notes"
# Each "([title](url))" is one citation; the same URL cited twice is one source.
WEB_SEARCH_ANSWER = (
    "Parley 0.1 came out this week ([Example News](https://news.example.com/parley-0-1)). "
    "It talks to the Responses API ([API reference](https://docs.example.org/responses)) "
    "and keeps history on the desktop ([Example News](https://news.example.com/parley-0-1))."
)
TOOL_REJECTED = {
    "openai": "Hosted tool 'web_search' is not supported with this model.",
    "cloudflare": "AiError: Bad input: tools.0.type: Unsupported tool type 'web_search'",
}
_CITED = re.compile(r"\(\[([^\]]+)\]\((https?://[^)\s]+)\)\)")


def url_annotations(answer: str) -> list[dict[str, Any]]:
    """`url_citation` annotations for every "([title](url))" in the answer."""
    return [
        {
            "type": "url_citation",
            "start_index": m.start(),
            "end_index": m.end(),
            "title": m.group(1),
            "url": m.group(2),
        }
        for m in _CITED.finditer(answer)
    ]


def web_search_item(query: str, done: bool) -> dict[str, Any]:
    """The `web_search_call` output item; the query is known only once it is done."""
    item: dict[str, Any] = {
        "id": WEB_SEARCH_ID,
        "type": "web_search_call",
        "status": "completed" if done else "in_progress",
    }
    if done:
        item["action"] = {
            "type": "search",
            "query": query,
            "queries": [query],
            "sources": [{"type": "url", "url": "https://news.example.com/parley-0-1"}],
        }
    return item


def web_search_events(query: str, output_index: int) -> list[tuple[str, dict[str, Any]]]:
    """added → in_progress → searching → completed → done, as OpenAI streams a search."""
    ids = {"item_id": WEB_SEARCH_ID, "output_index": output_index}
    return [
        (
            "response.output_item.added",
            {"output_index": output_index, "item": web_search_item(query, False)},
        ),
        ("response.web_search_call.in_progress", ids),
        ("response.web_search_call.searching", ids),
        ("response.web_search_call.completed", ids),
        (
            "response.output_item.done",
            {"output_index": output_index, "item": web_search_item(query, True)},
        ),
    ]


def annotation_events(
    answer: str, item_id: str, output_index: int
) -> list[tuple[str, dict[str, Any]]]:
    """One `response.output_text.annotation.added` per citation in the answer."""
    return [
        (
            "response.output_text.annotation.added",
            {
                "item_id": item_id,
                "output_index": output_index,
                "content_index": 0,
                "annotation_index": n,
                "annotation": note,
            },
        )
        for n, note in enumerate(url_annotations(answer))
    ]
