"""Built-in tool traffic for the fake server: a web search call, the citations it yields,
and file annotations (what file search and the code interpreter attach to an answer).

Shapes follow openai-python's `ResponseFunctionWebSearch`, the
`response.web_search_call.*` events and the four annotation types of
`ResponseOutputText` (url_citation, file_citation, container_file_citation, file_path).
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
COMMENTARY = "I'll look up the current release notes first."
FILES_ANSWER = (
    "The budget grew by 4 % (see the report). The chart is in the sandbox, "
    "and the table was saved for you."
)
FILE_NOTES: list[dict[str, Any]] = [
    {
        "type": "file_citation",
        "file_id": "file-report01",
        "filename": "budget-2026.pdf",
        "index": 33,
    },
    {
        "type": "container_file_citation",
        "container_id": "cntr_fake01",
        "file_id": "cfile_chart01",
        "filename": "chart.png",
        "start_index": 40,
        "end_index": 75,
    },
    {"type": "file_path", "file_id": "file-table01", "index": 110},
]


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


def find_in_page_item(done: bool) -> dict[str, Any]:
    """A second search step: looking for a pattern in a page already opened."""
    item: dict[str, Any] = {
        "id": WEB_SEARCH_ID + "-find",
        "type": "web_search_call",
        "status": "completed" if done else "in_progress",
    }
    if done:
        item["action"] = {
            "type": "find_in_page",
            "pattern": "release date",
            "url": "https://news.example.com/parley-0-1",
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
    notes: list[dict[str, Any]], item_id: str, output_index: int
) -> list[tuple[str, dict[str, Any]]]:
    """One `response.output_text.annotation.added` per annotation of the answer."""
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
        for n, note in enumerate(notes)
    ]
