"""Conversations as plain dicts, for the exporters and for import: every
version of every message, with the exact request/response data (secrets removed)."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from desktop.store import attachments as files
from desktop.store import blobs
from desktop.store.errors import ImportFormatError, NotFoundError
from desktop.store.models import MessageStatus

USAGE_KEYS = ("input_tokens", "cached_tokens", "output_tokens", "reasoning_tokens", "total_tokens")


def export_conversation(
    conn: sqlite3.Connection, conversation_id: int, root: Path | None = None
) -> dict[str, Any]:
    """{"conversation": {...}, "messages": [...]}; messages ordered by id, so a
    parent always comes before its children; `active` marks the chosen versions.
    Messages with attachments (read from `root`) have an "attachments" list."""
    conv = conn.execute(
        "SELECT id, title, title_is_auto, created, updated, pinned, settings_json"
        " FROM conversations WHERE id = ?",
        (conversation_id,),
    ).fetchone()
    if conv is None:
        raise NotFoundError("This conversation no longer exists.")
    messages = []
    for row in conn.execute(
        "SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", (conversation_id,)
    ):
        usage = {key: row[key] for key in USAGE_KEYS}
        attached = files.export_links(conn, root, row["id"]) if root is not None else []
        messages.append(
            {
                "id": row["id"],
                "parent_id": row["parent_id"],
                "active": bool(row["active"]),
                "role": row["role"],
                "text": row["text"],
                "status": row["status"],
                "error": row["error"],
                "reasoning": row["reasoning"],
                "model": row["model"],
                "response_id": row["response_id"],
                "usage": usage if any(v is not None for v in usage.values()) else None,
                "created": row["created"],
                "updated": row["updated"],
                "request": blobs.scrub(blobs.load(row["request_json"])),
                "response": blobs.scrub(blobs.load(row["response_json"])),
            }
        )
        if attached:
            messages[-1]["attachments"] = attached
    return {
        "conversation": {
            "id": conv["id"],
            "title": conv["title"],
            "title_is_auto": bool(conv["title_is_auto"]),
            "created": conv["created"],
            "updated": conv["updated"],
            "pinned": bool(conv["pinned"]),
            "settings": json.loads(conv["settings_json"]),
        },
        "messages": messages,
    }


def import_conversation(
    conn: sqlite3.Connection, data: dict[str, Any], root: Path | None = None
) -> int:
    """Insert an exported conversation as a new one (new ids); returns its id.
    Runs inside the caller's transaction. Exactly one version per parent ends
    up active; answers still streaming when exported come back as interrupted.
    Attachments are stored under `root` (they are skipped without one)."""
    try:
        conv = data["conversation"]
        now = time.time()
        cur = conn.execute(
            "INSERT INTO conversations"
            " (title, title_is_auto, created, updated, pinned, settings_json)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                str(conv.get("title", "")),
                int(bool(conv.get("title_is_auto", False))),
                float(conv.get("created", now)),
                float(conv.get("updated", now)),
                int(bool(conv.get("pinned", False))),
                json.dumps(conv.get("settings") or {}, ensure_ascii=False),
            ),
        )
        conversation_id = cur.lastrowid
        chosen = _chosen_versions(data["messages"])
        new_ids: dict[int, int] = {}
        for msg in data["messages"]:
            active = chosen[msg.get("parent_id")] == msg["id"]
            new_ids[msg["id"]] = _import_message(conn, conversation_id, msg, active, new_ids, now)
            attached = msg.get("attachments") or []
            if attached and msg["role"] != "user":
                raise ValueError("only questions have attachments")
            if root is not None:
                for item in attached:
                    files.link(conn, root, new_ids[msg["id"]], files.from_export(item))
    except (KeyError, TypeError, ValueError, AttributeError, sqlite3.IntegrityError) as exc:
        # Malformed input reaching here is a bad file, not a bug in Parley.
        raise ImportFormatError("This file is not a valid Parley conversation.") from exc
    assert conversation_id is not None
    return conversation_id


def _chosen_versions(messages: list[dict[str, Any]]) -> dict[Any, Any]:
    """The one active message per parent: the last marked active, else the last."""
    last: dict[Any, Any] = {}
    marked: dict[Any, Any] = {}
    for msg in messages:
        last[msg.get("parent_id")] = msg["id"]
        if msg.get("active", True):
            marked[msg.get("parent_id")] = msg["id"]
    return {parent: marked.get(parent, newest) for parent, newest in last.items()}


def _import_message(
    conn: sqlite3.Connection,
    conversation_id: int | None,
    msg: dict[str, Any],
    active: bool,
    new_ids: dict[int, int],
    now: float,
) -> int:
    parent = msg.get("parent_id")
    status = MessageStatus(msg.get("status", "complete"))
    if status is MessageStatus.STREAMING:
        status = MessageStatus.INTERRUPTED
    usage = msg.get("usage") or {}
    cur = conn.execute(
        """INSERT INTO messages (conversation_id, parent_id, active, role, text, status,
            error, reasoning, model, response_id, input_tokens, cached_tokens,
            output_tokens, reasoning_tokens, total_tokens, request_json, response_json,
            created, updated)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            conversation_id,
            None if parent is None else new_ids[parent],
            int(active),
            str(msg["role"]),
            str(msg["text"]),
            str(status),
            msg.get("error"),
            str(msg.get("reasoning") or ""),
            msg.get("model"),
            msg.get("response_id"),
            *(usage.get(key) for key in USAGE_KEYS),
            blobs.dump(msg.get("request")),
            blobs.dump(msg.get("response")),
            float(msg.get("created", now)),
            float(msg.get("updated", msg.get("created", now))),
        ),
    )
    message_id = cur.lastrowid
    assert message_id is not None
    return message_id
