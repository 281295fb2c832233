"""Built-in tools in a reply: what the model did (web searches…) and the sources it cited.

The server runs these tools itself; the client only shows them. Tool calls arrive as
output items (`web_search_call`, …) with status events, and citations as `url_citation`
annotations on the answer text, both while streaming and in the final Response.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

# Output item types that are client-side calls the app would have to answer, not
# server-side tools to show; Parley declares no functions, so they are ignored.
CLIENT_CALLS = frozenset({"function_call", "custom_tool_call"})
TERMINAL = frozenset({"completed", "failed", "incomplete"})
# `response.<tool>_call.<status>` events (web_search_call.searching, …).
TOOL_STATUS_EVENTS = {
    "web_search": ("in_progress", "searching", "completed", "failed"),
    "file_search": ("in_progress", "searching", "completed", "failed"),
    "code_interpreter": ("in_progress", "interpreting", "completed", "failed"),
    "image_generation": ("in_progress", "generating", "completed", "failed"),
    "mcp": ("in_progress", "completed", "failed"),
}


@dataclass(frozen=True, slots=True)
class ToolActivity:
    """The state of one tool call; a new value is emitted whenever it changes.

    `kind` is the tool ("web_search", "file_search", …); `status` is "in_progress",
    "searching", "completed", "failed" (or another tool-specific step); `query` is the
    search the model ran once the server says (several queries are joined by "; ").
    `action` ("search", "open_page", "find") and `url` say more about a web step.
    """

    item_id: str
    kind: str
    status: str
    query: str | None = None
    action: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """A source the answer cites. `index` numbers the sources from 1 in order of first
    citation (one URL, one number); `start`/`end` delimit the cited span of the text."""

    index: int
    title: str
    url: str
    start: int
    end: int


def tool_kind(item_type: Any) -> str | None:
    """ "web_search" for a `web_search_call` item; None for anything not a server tool."""
    if not isinstance(item_type, str) or not item_type.endswith("_call"):
        return None
    if item_type in CLIENT_CALLS:
        return None
    return item_type.removesuffix("_call")


def activity_from_item(item: Any, status: str | None = None) -> ToolActivity | None:
    """The ToolActivity an output item describes, or None when it is not a tool call."""
    if not isinstance(item, Mapping):
        return None
    kind = tool_kind(item.get("type"))
    item_id = item.get("id")
    if kind is None or not isinstance(item_id, str):
        return None
    action = item.get("action")
    query = url = verb = None
    if isinstance(action, Mapping):
        verb = _text(action.get("type"))
        queries = [q for q in action.get("queries") or () if isinstance(q, str) and q]
        query = _text(action.get("query")) or ("; ".join(queries) if queries else None)
        url = _text(action.get("url"))
        if verb == "find" and query is None:
            query = _text(action.get("pattern"))
    if kind == "file_search" and query is None:
        queries = [q for q in item.get("queries") or () if isinstance(q, str) and q]
        query = "; ".join(queries) or None
    return ToolActivity(
        item_id,
        kind,
        status or _text(item.get("status")) or "in_progress",
        query,
        verb,
        url,
    )


def url_citations(annotations: Any) -> list[tuple[str, str, int, int]]:
    """(title, url, start, end) of the `url_citation` annotations in a list."""
    found = []
    for note in annotations if isinstance(annotations, list) else ():
        if isinstance(note, Mapping) and note.get("type") == "url_citation":
            url = note.get("url")
            if isinstance(url, str) and url:
                title = note.get("title")
                found.append(
                    (
                        title if isinstance(title, str) and title else url,
                        url,
                        _int(note.get("start_index")),
                        _int(note.get("end_index")),
                    )
                )
    return found


class ToolLog:
    """Tool calls by item id and citations by source, in order of arrival.

    `update` and `cite` return the new value to emit, or None when nothing changed,
    so a state repeated by the final Response is not shown twice.
    """

    def __init__(self) -> None:
        self._calls: dict[str, ToolActivity] = {}
        self._sources: dict[str, int] = {}
        self._citations: dict[tuple[str, int, int], Citation] = {}

    def update(self, activity: ToolActivity) -> ToolActivity | None:
        old = self._calls.get(activity.item_id)
        if old is not None:
            status = activity.status
            if old.status in TERMINAL and status not in TERMINAL:
                status = old.status  # a late progress event never undoes the end
            activity = replace(
                old,
                status=status,
                query=activity.query or old.query,
                action=activity.action or old.action,
                url=activity.url or old.url,
            )
            if activity == old:
                return None
        self._calls[activity.item_id] = activity
        return activity

    def status(self, item_id: str, kind: str, status: str) -> ToolActivity | None:
        """A status event (`response.web_search_call.searching`, …) for one call."""
        return self.update(ToolActivity(item_id, kind, status))

    def cite(self, title: str, url: str, start: int, end: int) -> Citation | None:
        key = (url, start, end)
        if key in self._citations:
            return None
        index = self._sources.setdefault(url, len(self._sources) + 1)
        citation = Citation(index, title, url, start, end)
        self._citations[key] = citation
        return citation

    def calls(self) -> tuple[ToolActivity, ...]:
        return tuple(self._calls.values())

    def citations(self) -> tuple[Citation, ...]:
        return tuple(self._citations.values())

    def merge(
        self, calls: Iterable[ToolActivity], citations: Iterable[Citation]
    ) -> list[ToolActivity | Citation]:
        """Add what a final Response reports; return what was new or changed."""
        changed: list[ToolActivity | Citation] = []
        for call in calls:
            if (updated := self.update(call)) is not None:
                changed.append(updated)
        for c in citations:
            if (cited := self.cite(c.title, c.url, c.start, c.end)) is not None:
                changed.append(cited)
        return changed


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
