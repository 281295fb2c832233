"""Built-in tools in a reply: what the model did (web searches…) and the sources it cited.

The server runs these tools itself; the client only shows them. Tool calls arrive as
output items (`web_search_call`, …) with status events, and citations as annotations on
the answer text (`url_citation`, `file_citation`, `container_file_citation`,
`file_path`), both while streaming and in the final Response.
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
    search the model ran once the server says (several queries are joined by "; "), or
    the pattern of a "find_in_page" step. `action` ("search", "open_page",
    "find_in_page") and `url` say more about a web step.
    """

    item_id: str
    kind: str
    status: str
    query: str | None = None
    action: str | None = None
    url: str | None = None


# Annotation types, and how each is labelled where it is shown.
ANNOTATION_KINDS = {
    "url_citation": "web",
    "file_citation": "file",
    "container_file_citation": "container file",
    "file_path": "generated file",
}


@dataclass(frozen=True, slots=True)
class Citation:
    """A source the answer cites (any annotation type). `index` numbers the sources
    from 1 in order of first citation (one URL or file, one number); `start`/`end`
    delimit the cited span of the text (both at the cited point for file annotations,
    which carry one `index`). `kind` is the annotation type; file annotations have
    `file_id` (and `container_id`), and their filename as `title`, with no `url`."""

    index: int
    title: str
    url: str
    start: int
    end: int
    kind: str = "url_citation"
    file_id: str | None = None
    container_id: str | None = None

    @property
    def source(self) -> str:
        """What makes two citations the same source."""
        if self.url:
            return self.url
        return f"file:{self.container_id or ''}/{self.file_id or self.title}"

    def as_dict(self) -> dict[str, Any]:
        """The JSON form kept with a saved answer and shown on the page."""
        data: dict[str, Any] = {
            "index": self.index,
            "kind": self.kind,
            "title": self.title,
            "url": self.url,
        }
        if self.file_id:
            data["file_id"] = self.file_id
        if self.container_id:
            data["container_id"] = self.container_id
        return data


def source_text(item: Mapping[str, Any]) -> str:
    """A cited source in one line of plain text, from `Citation.as_dict()` (as saved):
    "Title — https://…", or "name.pdf (file file-abc)" for a file."""
    url = str(item.get("url") or "")
    title = str(item.get("title") or url)
    if url:
        return url if title == url else f"{title} — {url}"
    kind = ANNOTATION_KINDS.get(str(item.get("kind") or ""), "file")
    file_id = str(item.get("file_id") or "")
    return f"{title} ({kind} {file_id})" if file_id and file_id != title else f"{kind} {title}"


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
        # "find_in_page" is the API's name; "find" is what earlier servers sent.
        if verb in ("find_in_page", "find") and query is None:
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


def citations_in(annotations: Any) -> list[Citation]:
    """The annotations of a list that cite something, unnumbered (index 0)."""
    found = []
    for note in annotations if isinstance(annotations, list) else ():
        if not isinstance(note, Mapping) or note.get("type") not in ANNOTATION_KINDS:
            continue
        kind = str(note["type"])
        url = _text(note.get("url")) or ""
        file_id = _text(note.get("file_id"))
        if (kind == "url_citation" and not url) or (kind != "url_citation" and not file_id):
            continue  # nothing to point at
        title = _text(note.get("title")) or _text(note.get("filename")) or url or file_id or ""
        at = _int(note.get("index"))
        start = _int(note.get("start_index")) if "start_index" in note else at
        end = _int(note.get("end_index")) if "end_index" in note else at
        found.append(
            Citation(0, title, url, start, end, kind, file_id, _text(note.get("container_id")))
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
        self._citations: dict[tuple[str, str, int, int], Citation] = {}

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

    def cite(self, found: Citation, offset: int = 0) -> Citation | None:
        """Number a citation (its span moved by `offset`); None if it is known."""
        start, end = found.start + offset, found.end + offset
        key = (found.kind, found.source, start, end)
        if key in self._citations:
            return None
        index = self._sources.setdefault(found.source, len(self._sources) + 1)
        citation = replace(found, index=index, start=start, end=end)
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
            if (cited := self.cite(c)) is not None:
                changed.append(cited)
        return changed


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
