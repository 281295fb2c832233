"""Markdown and JSON files from the dicts of `Store.export_conversation`, and
validated reading of JSON exports for `Store.import_conversation`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from desktop.api.tools import ANNOTATION_KINDS
from desktop.store.attachments import valid_export
from desktop.store.blobs import scrub
from desktop.store.errors import ImportFormatError
from desktop.store.models import MessageStatus, Role

FORMAT = "parley.conversation"
VERSION = 1
ROLE_HEADINGS = {"user": "You", "assistant": "Assistant", "system": "System"}
STATUS_NOTES = {
    "streaming": "still being written when exported",
    "stopped": "stopped before the end",
    "interrupted": "cut off when Parley closed",
    "failed": "failed",
    "incomplete": "incomplete",
}
STATUSES = frozenset(status.value for status in MessageStatus)
BAD_FILE = "This file is not a Parley conversation export."


def transcript(conv: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages of the active branch, in order (what the person sees)."""
    chosen: dict[Any, dict[str, Any]] = {}
    for msg in conv["messages"]:
        if msg.get("active", True):
            chosen[msg.get("parent_id")] = msg
    path: list[dict[str, Any]] = []
    current = chosen.get(None)
    while current is not None and len(path) <= len(conv["messages"]):
        path.append(current)
        current = chosen.get(current["id"])
    return path


def to_markdown(conv: dict[str, Any]) -> str:
    """The active branch as Markdown: a heading per turn, answers as written."""
    title = conv["conversation"].get("title") or "Untitled conversation"
    parts = [f"# {title}\n"]
    for msg in transcript(conv):
        heading = ROLE_HEADINGS.get(msg["role"], str(msg["role"]).title())
        if msg["role"] == Role.ASSISTANT and msg.get("model"):
            heading += f" ({msg['model']})"
        parts.append(f"## {heading}\n")
        if msg.get("reasoning"):
            quoted = "\n".join(f"> {line}".rstrip() for line in msg["reasoning"].splitlines())
            parts.append(f"> **Reasoning summary**\n>\n{quoted}\n")
        response = msg.get("response")
        if not isinstance(response, dict):
            response = {}
        commentary = response.get("commentary")
        if isinstance(commentary, str) and commentary.strip():
            lines = "\n".join(f"> {line}".rstrip() for line in commentary.splitlines())
            parts.append(f"> **Commentary**\n>\n{lines}\n")
        parts.append(msg["text"].rstrip("\n") + "\n")
        sources = _sources_markdown(response.get("citations"))
        if sources:
            parts.append(sources)
        attached = [_attachment_line(a) for a in msg.get("attachments") or ()]
        if attached:
            parts.append("*Attached: " + ", ".join(attached) + "*\n")
        note = STATUS_NOTES.get(msg.get("status", "complete"))
        if note:
            error = f": {msg['error']}" if msg.get("error") else ""
            parts.append(f"*({note}{error})*\n")
    return "\n".join(parts)


def _sources_markdown(citations: Any) -> str:
    """The numbered sources of an answer: web pages as links, files by kind and id."""
    rows: dict[int, str] = {}
    for number, item in enumerate(citations if isinstance(citations, list) else [], 1):
        if not isinstance(item, dict):
            continue
        index = item["index"] if isinstance(item.get("index"), int) else number
        url = str(item.get("url") or "")
        title = str(item.get("title") or url or item.get("file_id") or "source")
        title = title.replace("[", "\\[").replace("]", "\\]")
        kind = str(item.get("kind") or "url_citation")
        if url.startswith(("https://", "http://")):
            rows.setdefault(index, f"{index}. [{title}](<{url}>)")
        elif kind == "url_citation" or kind not in ANNOTATION_KINDS:
            rows.setdefault(index, f"{index}. {title}")  # not a web link: never a link
        else:
            label = ANNOTATION_KINDS[kind]
            file_id = str(item.get("file_id") or "")
            extra = f" ({label} `{file_id}`)" if file_id and file_id != title else f" ({label})"
            rows.setdefault(index, f"{index}. {title}{extra}")
    if not rows:
        return ""
    return "**Sources**\n\n" + "\n".join(rows[i] for i in sorted(rows)) + "\n"


def _attachment_line(item: dict[str, Any]) -> str:
    size = item.get("size")
    kilobytes = f", {max(1, round(size / 1024))} KB" if isinstance(size, int) else ""
    name = str(item.get("name", "")).replace("*", "\\*").replace("_", "\\_")
    return f"{name} ({item.get('mime', '')}{kilobytes})"


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def _seconds(text: Any) -> float:
    if not isinstance(text, str):
        raise ImportFormatError(BAD_FILE)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ImportFormatError(f"{BAD_FILE[:-1]}: a date in it is not valid.") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def to_json(conv: dict[str, Any]) -> str:
    """A versioned JSON document with every version of every message and the
    exact request/response data (secrets removed). Times are ISO 8601 UTC."""
    conversation = dict(conv["conversation"])
    conversation.pop("id", None)
    for key in ("created", "updated"):
        conversation[key] = _iso(conversation[key])
    messages = []
    for msg in conv["messages"]:
        item = dict(msg)
        item["created"] = _iso(item["created"])
        item["updated"] = _iso(item["updated"])
        messages.append(item)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported": _iso(datetime.now(UTC).timestamp()),
        "conversation": conversation,
        "messages": messages,
    }
    return json.dumps(scrub(document), ensure_ascii=False, indent=2) + "\n"


def from_json(text: str) -> dict[str, Any]:
    """The dict `Store.import_conversation` takes; ImportFormatError with one
    sentence when the text is not a valid export of a version we can read."""
    try:
        document = json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError and invalid surrogates
        raise ImportFormatError(f"{BAD_FILE[:-1]}: it is not valid JSON.") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFormatError(BAD_FILE)
    version = document.get("version")
    if not isinstance(version, int) or version > VERSION or version < 1:
        raise ImportFormatError(
            "This conversation was exported by a newer version of Parley; update Parley "
            "to import it."
        )
    conversation = document.get("conversation")
    messages = document.get("messages")
    if not isinstance(conversation, dict) or not isinstance(messages, list):
        raise ImportFormatError(BAD_FILE)
    if not isinstance(conversation.get("title", ""), str):
        raise ImportFormatError(BAD_FILE)
    conversation = dict(conversation)
    for key in ("created", "updated"):
        if key in conversation:
            conversation[key] = _seconds(conversation[key])
    return {"conversation": conversation, "messages": _messages(messages)}


def _messages(items: list[Any]) -> list[dict[str, Any]]:
    seen: set[int] = set()
    result = []
    for item in items:
        if not isinstance(item, dict):
            raise ImportFormatError(BAD_FILE)
        msg = dict(item)
        ident, parent = msg.get("id"), msg.get("parent_id")
        valid = (
            isinstance(ident, int)
            and ident not in seen
            and (parent is None or parent in seen)
            and msg.get("role") in ROLE_HEADINGS
            and isinstance(msg.get("text"), str)
            and msg.get("status", "complete") in STATUSES
            and isinstance(msg.get("usage") or {}, dict)
            and isinstance(msg.get("attachments") or [], list)
            and all(valid_export(a) for a in msg.get("attachments") or [])
        )
        if not valid:
            raise ImportFormatError(f"{BAD_FILE[:-1]}: a message in it is not valid.")
        assert isinstance(ident, int)
        seen.add(ident)
        for key in ("created", "updated"):
            if key in msg:
                msg[key] = _seconds(msg[key])
        result.append(msg)
    return result
